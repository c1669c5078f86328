import { interruptAndWait, startLemming } from '../../helpers/cli.js';
import { untilIndexed } from '../../helpers/until-indexed.js';

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
