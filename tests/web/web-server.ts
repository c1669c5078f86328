import { request } from 'node:http';
import { afterEveryTest } from '../helpers/file-hooks.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { newToken } from '../../src/web/access/access-token.js';
import type { EventHub } from '../../src/web/event-hub.js';
import type { RequestTimes } from '../../src/web/access/request-times.js';

const running: WebServer[] = [];
afterEveryTest(async () => {
  while (running.length > 0) await running.pop()?.close();
});

/**
 * A dashboard on a free loopback port (or the port and token given: a restart), closed after the
 * test; once its message index is in (the server answers before), unless `waitForIndex` is false.
 */
export async function serveOrg(root: string, hub?: EventHub, given: { port?: number; token?: string; waitForIndex?: boolean; requestTimes?: RequestTimes } = {}): Promise<WebServer & { token: string; base: string }> {
  const token = given.token ?? newToken();
  const server = await startWebServer({ root, host: '127.0.0.1', port: given.port ?? 0, token, ...(hub ? { hub } : {}), ...(given.requestTimes ? { requestTimes: given.requestTimes } : {}) });
  running.push(server);
  if (given.waitForIndex !== false) await Promise.all([...server.dashboards.values()].map((dashboard) => dashboard.watch.ready()));
  return { ...server, token, base: `http://127.0.0.1:${server.port}` };
}

/** A server's answer to `rawRequest`. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request with the headers exactly as given, Host included (fetch always sends its own),
 * or none at all with `host: null`. `body` may be a list of chunks: sent chunked, with no length.
 * With `end: false` the body is never finished: the answer must come while the client still sends.
 */
export function rawRequest(
  server: { port: number },
  options: { method?: string; path?: string; host?: string | null; headers?: Record<string, string>; body?: string | Buffer | Array<string | Buffer>; end?: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.host ? { host: options.host } : {}), ...options.headers };
    if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) headers['content-length'] = String(Buffer.byteLength(options.body));
    let answered = false;
    let failure: Error | undefined;
    // A connection of its own (no keep-alive): a refused body may leave the last one closing.
    const outgoing = request(
      { host: '127.0.0.1', port: server.port, method: options.method ?? 'GET', path: options.path ?? '/', headers, setHost: options.host === undefined, agent: false },
      (response) => {
        answered = true;
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text });
          outgoing.destroy();
        });
      },
    );
    // The server may answer and close before a big body is all sent: that answer is what counts.
    outgoing.on('error', (error) => (failure = error));
    outgoing.on('close', () => {
      if (!answered) reject(failure ?? new Error('the connection closed without an answer'));
    });
    const chunks = options.body === undefined ? [] : Array.isArray(options.body) ? options.body : [options.body];
    for (const chunk of chunks) outgoing.write(chunk);
    if (options.end !== false) outgoing.end();
  });
}

/** The cookie a browser keeps after opening the printed URL. */
export async function loginCookie(server: { url: string }): Promise<string> {
  const response = await fetch(server.url, { redirect: 'manual' });
  const cookie = response.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0] ?? '';
}

/** GET as a program would: the token as a bearer header. */
export async function getJson<T = Record<string, unknown>>(server: { base: string; token: string }, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${server.token}` } });
  return { status: response.status, body: (await response.json()) as T };
}

/** Read server-sent events until `until` says enough (or the stream ends). */
export async function readEvents(
  response: Response,
  until: (events: Array<{ event: string; id: string; data: unknown }>) => boolean,
): Promise<Array<{ event: string; id: string; data: unknown }>> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; id: string; data: unknown }> = [];
  let buffer = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name: string): string => block.split('\n').find((line) => line.startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? '';
      if (field('data') !== '') events.push({ event: field('event'), id: field('id'), data: JSON.parse(field('data')) });
    }
  }
  await reader.cancel();
  return events;
}
