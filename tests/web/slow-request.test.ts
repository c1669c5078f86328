import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stall } from '../helpers/stalled-client.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { serveOrg } from './web-server.js';

/** Short bounds for the test; the server's own are 5 s for headers and 30 s for a body. */
const BOUNDS = { headersMs: 400, bodyMs: 800 };
/** How long past its bound a connection may stay open here: far below Node's own 60 s and 300 s. */
const MARGIN_MS = 6_000;

function listSent(root: string): string[] {
  return readdirSync(join(root, 'agents/human/outbox')).filter((name) => name.endsWith('.md'));
}

describe('a client that stops sending does not hold its connection for minutes', () => {
  test('headers that never finish: 408, and the connection is closed soon after the headers bound', async () => {
    const server = await serveOrg(defaultOrg(), undefined, { requestTimes: BOUNDS });
    const seen = await stall(server.port, `POST /api/send HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\n`, BOUNDS.headersMs + MARGIN_MS);
    expect(seen.closed).toBe(true);
    expect(seen.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('a body under the cap that never finishes: 408, the connection closed soon after the body bound, and nothing sent', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root, undefined, { requestTimes: BOUNDS });
    const body = JSON.stringify({ to: 'manager', body: 'half of a message that never ends' });
    const head = [
      'POST /api/send HTTP/1.1',
      `Host: 127.0.0.1:${server.port}`,
      `Authorization: Bearer ${server.token}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
    ].join('\r\n');
    const seen = await stall(server.port, `${head}\r\n\r\n${body.slice(0, 20)}`, BOUNDS.bodyMs + MARGIN_MS);
    expect(seen.closed).toBe(true);
    expect(seen.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(listSent(root)).toEqual([]);
  });

  test('the event stream, a request long finished, stays open past both bounds', async () => {
    const server = await serveOrg(defaultOrg(), undefined, { requestTimes: BOUNDS });
    const head = [`GET /api/events HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, `Authorization: Bearer ${server.token}`, 'Accept: text/event-stream'].join('\r\n');
    const seen = await stall(server.port, `${head}\r\n\r\n`, BOUNDS.bodyMs * 3);
    expect(seen.closed).toBe(false);
    expect(seen.answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
