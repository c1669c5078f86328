/**
 * Where this page's org is served: `/`, or `/o/<key>/` when the dashboard serves several orgs
 * (the page says so on its body). Every API path of the app goes under it.
 */
export const ORG_BASE = document.body.dataset.base ?? '/';

/** The address of an API route of this page's org: `apiPath('/status')` is `/o/lab/api/status` beside other orgs. */
export function apiPath(path: string): string {
  return `${ORG_BASE}api${path}`;
}

let viewed: number | undefined;

/** The turn the page shows the org as it was after (the turn selector, turn-choice.ts); undefined: the org now, live. */
export function viewedTurn(): number | undefined {
  return viewed;
}

/** Show the org as it was after `turn` from now on (every API request carries `?turn=`), or live again with undefined. */
export function viewTurn(turn: number | undefined): void {
  viewed = turn;
}

/** An error the server answered with: its message says what was wrong and what would be right; `code` is its `error` field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }

  /** The server is still indexing the messages (or failed to): the view fills in once they are in. */
  get waitsForIndex(): boolean {
    return this.status === 503 && (this.code === 'index-loading' || this.code === 'index-failed');
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { message?: string; error?: string };
  if (!response.ok) throw new ApiError(response.status, body.message ?? `the server answered ${response.status}`, body.error);
  return body as T;
}

/** The address of a read route of the API at the turn viewed (`?turn=`), with `query`: what a GET or a link asks. */
export function readAddress(path: string, query: Record<string, string | number | undefined> = {}): string {
  const parameters = new URLSearchParams();
  if (viewed !== undefined) parameters.set('turn', String(viewed));
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') parameters.set(key, String(value));
  const search = parameters.toString();
  return `${apiPath(path)}${search ? `?${search}` : ''}`;
}

/** GET a JSON route of the dashboard's API (the cookie goes along; same origin), at the turn viewed. */
export async function getJson<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  return answer<T>(await fetch(readAddress(path, query), { credentials: 'same-origin' }));
}

/** GET a route of the API that answers text (a chart's SVG), at the turn viewed; a refusal is thrown as from a JSON route. */
export async function getText(path: string): Promise<string> {
  const response = await fetch(readAddress(path), { credentials: 'same-origin' });
  if (!response.ok) return answer<never>(response);
  return response.text();
}

/**
 * POST JSON to the dashboard's API. At a past turn the request says so (`?turn=`) and the server
 * refuses it: a past turn is read-only, and the page's disabled buttons are not what makes it so.
 */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(await fetch(`${apiPath(path)}${viewed === undefined ? '' : `?turn=${viewed}`}`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}
