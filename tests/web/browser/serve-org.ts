import { interruptAndWait, startLemming } from '../../helpers/cli.js';

/** `lemming serve --port 0` (or the port given) in its own process; resolves with the URL it printed. `stop` resolves once it has exited (it saves its index first). */
export async function serve(root: string, port = 0): Promise<{ url: string; stop(): Promise<void> }> {
  const child = startLemming(root, ['serve', '--port', String(port)]);
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(text);
      if (match) resolve(match[0]);
    });
    child.on('close', () => reject(new Error(`lemming serve exited: ${text}`)));
  });
  await untilIndexed(url);
  return { url, stop: () => interruptAndWait(child) };
}

/**
 * Ask the dashboard's status until its message index is in (the page answers before, and says so;
 * the tests here are about the views with their messages). Each answer comes at once.
 */
async function untilIndexed(url: string, base = '/'): Promise<void> {
  const token = decodeURIComponent(url.slice(url.indexOf('token=') + 'token='.length));
  for (;;) {
    const response = await fetch(new URL(`${base}api/status`, url), { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { index?: { state: string } };
    if (body.index?.state === 'ready') return;
    if (body.index?.state === 'failed') throw new Error(`the dashboard's index failed: ${JSON.stringify(body.index)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The dashboard's URL opening a view (`#/message/<id>`): the token is traded for a session on the way. */
export function viewUrl(url: string, hash: string): string {
  return url.replace(/\/\?token=(.*)$/, `/?token=$1${hash}`);
}

/** `lemming serve` over several org roots (`--root` repeated, or a folder of orgs): the URL it printed, and a stop. */
export async function serveOrgs(roots: string[]): Promise<{ url: string; output: () => string; stop(): Promise<void> }> {
  const [first = '', ...rest] = roots;
  const child = startLemming(first, [...rest.flatMap((root) => ['--root', root]), 'serve', '--port', '0']);
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(text);
      if (match && /Ctrl-C stops/.test(text)) resolve(match[0]);
    });
    child.on('close', () => reject(new Error(`lemming serve exited: ${text}`)));
  });
  for (const key of [...text.matchAll(/^ {2}([\w-]+): \/o\//gm)].map((match) => match[1])) await untilIndexed(url, `/o/${key}/`);
  return { url, output: () => text, stop: () => interruptAndWait(child) };
}
