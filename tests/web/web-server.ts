import { afterEach } from 'vitest';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { newToken } from '../../src/web/access/access-token.js';
import type { EventHub } from '../../src/web/event-hub.js';

const running: WebServer[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()?.close();
});

/** A dashboard on a free loopback port, closed after the test. */
export async function serveOrg(root: string, hub?: EventHub): Promise<WebServer & { token: string; base: string }> {
  const token = newToken();
  const server = await startWebServer({ root, host: '127.0.0.1', port: 0, token, ...(hub ? { hub } : {}) });
  running.push(server);
  return { ...server, token, base: `http://127.0.0.1:${server.port}` };
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
