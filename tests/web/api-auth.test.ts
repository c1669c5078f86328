import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { chooseToken, newToken } from '../../src/web/access/access-token.js';
import { hostChecker } from '../../src/web/access/allowed-hosts.js';
import { startWebServer } from '../../src/web/server.js';
import { cookieName } from '../../src/web/access/require-token.js';
import { MAX_SESSIONS, Sessions } from '../../src/web/access/sessions.js';
import { defaultOrg, humanSends, listOutbox, read, runEngine } from '../helpers/temp-org.js';
import { loginCookie, rawRequest, serveOrg } from './web-server.js';

describe('the dashboard is locked by its token', () => {
  test('every page, API route, event stream and metrics endpoint answers 401 without it', async () => {
    const server = await serveOrg(defaultOrg());
    for (const path of ['/', '/api/status', '/api/messages', '/api/events', '/metrics', '/app/main.js', '/api/agents/manager']) {
      const response = await fetch(`${server.base}${path}`);
      expect(response.status, path).toBe(401);
      await response.body?.cancel();
    }
    const wrong = await fetch(`${server.base}/api/status`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    const wrongUrl = await fetch(`${server.base}/?token=guess`, { redirect: 'manual' });
    expect(wrongUrl.status).toBe(401);
    expect(wrongUrl.headers.get('set-cookie')).toBeNull();
  });

  test('the printed URL trades the token for an HTTP-only cookie and a redirect that drops it from the address bar', async () => {
    const server = await serveOrg(defaultOrg());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const response = await fetch(server.url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/');
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = await loginCookie(server);
    const page = await fetch(`${server.base}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/app/main.js">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const status = await fetch(`${server.base}/api/status`, { headers: { cookie } });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { org: string }).org).toBe('lemming-default');
  });

  test('sending as the human with the cookie needs the same origin; from another site it is refused and nothing is written', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const cookie = await loginCookie(server);
    const send = (headers: Record<string, string>) =>
      fetch(`${server.base}/api/send`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ to: 'manager', body: 'Ship it' }) });
    expect((await send({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await send({})).status).toBe(403);
    expect((await send({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(listOutbox(root, 'human')).toEqual([]);
    const sent = await send({ origin: server.base });
    expect(sent.status).toBe(201);
    const { file, id } = (await sent.json()) as { file: string; id: string };
    expect(id).toBe('000000-human-001');
    expect(read(root, file)).toContain('Ship it');
  });

  test('a program may use the token as a bearer header, for reads and for writes', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the release');
    await runEngine(root, { maxTurns: 2 });
    const server = await serveOrg(root);
    const metrics = await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(metrics.status).toBe(200);
    const top = await fetch(`${server.base}/api/top-up`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'planner', credits: 0.5 }),
    });
    expect(top.status).toBe(201);
    expect(read(root, 'org/state/ledger.jsonl')).toContain('"type":"top-up","agent":"planner","credits":0.5');
  });
});

describe('the session cookie', () => {
  test('holds a session id that is not the token; a cookie holding the token, a made-up id or another server\'s session is refused', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const cookie = await loginCookie(server);
    const [name, value] = cookie.split('=') as [string, string];
    expect(name).toBe(cookieName(server.port));
    expect(value.length).toBeGreaterThanOrEqual(32);
    expect(value).not.toBe(server.token);
    expect(value).not.toContain(server.token);
    expect(server.token).not.toContain(value);
    expect((await fetch(`${server.base}/api/status`, { headers: { cookie } })).status).toBe(200);
    // A service that saw the cookie cannot turn it back into the token, and a cookie of the token is no key.
    for (const refused of [server.token, 'made-up-session-id-0123456789abcdef', `${value}x`]) {
      const answer = await fetch(`${server.base}/api/status`, { headers: { cookie: `${name}=${refused}` } });
      expect(answer.status, refused).toBe(401);
      expect(((await answer.json()) as { message: string }).message).toContain('open the URL it printed');
    }
    // A second server has sessions of its own.
    const other = await serveOrg(root);
    const foreign = await fetch(`${other.base}/api/status`, { headers: { cookie: `${cookieName(other.port)}=${value}` } });
    expect(foreign.status).toBe(401);
    await foreign.body?.cancel();
  });

  test('a restart forgets every session, even with the same token and port; the page says to open the printed URL again', async () => {
    const root = defaultOrg();
    const token = 'a-token-the-person-keeps-0123456789';
    const first = await serveOrg(root, undefined, { token });
    const cookie = await loginCookie(first);
    expect((await fetch(`${first.base}/`, { headers: { cookie } })).status).toBe(200);
    await first.close();
    const again = await serveOrg(root, undefined, { token, port: first.port });
    const page = await fetch(`${again.base}/`, { headers: { cookie, accept: 'text/html' } });
    expect(page.status).toBe(401);
    const text = await page.text();
    expect(text).toContain('not known to this server');
    expect(text).toContain('restarted');
    expect(text).toContain('open the URL it printed');
    // The printed URL opens it again.
    expect((await fetch(`${again.base}/`, { headers: { cookie: await loginCookie(again) } })).status).toBe(200);
  });

  test('a server keeps at most 1,000 sessions: opening the printed URL more often forgets the oldest', () => {
    const sessions = new Sessions();
    const first = sessions.create();
    const second = sessions.create();
    for (let count = 2; count < MAX_SESSIONS; count += 1) sessions.create();
    expect(sessions.has(first)).toBe(true);
    const newest = sessions.create();
    expect(sessions.has(first)).toBe(false);
    expect(sessions.has(second)).toBe(true);
    expect(sessions.has(newest)).toBe(true);
    expect(sessions.has('')).toBe(false);
    expect(sessions.has(undefined)).toBe(false);
  });

  test('the browser flow still works after the trade: the token in the URL, then the cookie alone, for reads and same-origin writes', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const cookie = await loginCookie(server);
    const sent = await fetch(`${server.base}/api/send`, { method: 'POST', headers: { cookie, origin: server.base, 'content-type': 'application/json' }, body: JSON.stringify({ to: 'manager', body: 'After the trade' }) });
    expect(sent.status).toBe(201);
    expect(listOutbox(root, 'human')).toEqual(['000000-001-manager.md']);
  });
});

describe('the Host header', () => {
  test('a name that is not this machine (DNS rebinding) is refused before the token is asked for, in JSON or HTML', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const bearer = { authorization: `Bearer ${server.token}` };
    const json = await rawRequest(server, { path: '/api/status', host: `rebind.evil.example:${server.port}`, headers: bearer });
    expect(json.status).toBe(421);
    expect(JSON.parse(json.text)).toMatchObject({ error: 'wrong-host', message: expect.stringContaining('rebind.evil.example') });
    expect(JSON.parse(json.text).message).toContain(`http://127.0.0.1:${server.port}/`);
    const html = await rawRequest(server, { path: '/', host: `rebind.evil.example:${server.port}`, headers: { accept: 'text/html' } });
    expect(html.status).toBe(421);
    expect(html.text).toContain('<p>');
    expect(html.text).toContain('rebind.evil.example');
    // Nothing is traded for a session under a foreign name, and nothing is written.
    const login = await rawRequest(server, { path: `/?token=${server.token}`, host: `rebind.evil.example:${server.port}` });
    expect(login.status).toBe(421);
    expect(login.headers['set-cookie']).toBeUndefined();
    const send = await rawRequest(server, { method: 'POST', path: '/api/send', host: `rebind.evil.example:${server.port}`, headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ to: 'manager', body: 'hi' }) });
    expect(send.status).toBe(421);
    expect(listOutbox(root, 'human')).toEqual([]);
    // No Host at all: Node's HTTP server refuses it (400) before the app sees it.
    expect((await rawRequest(server, { path: '/api/status', host: null, headers: bearer })).status).toBe(400);
  });

  test('loopback names and addresses are served: localhost, 127.0.0.0/8, [::1], with or without the port', async () => {
    const server = await serveOrg(defaultOrg());
    const bearer = { authorization: `Bearer ${server.token}` };
    for (const host of [`localhost:${server.port}`, 'LOCALHOST', `127.0.0.1:${server.port}`, '127.1.2.3', `[::1]:${server.port}`]) {
      expect((await rawRequest(server, { path: '/api/status', host, headers: bearer })).status, host).toBe(200);
    }
    for (const host of ['127.0.0.1.evil.example', 'localhost.evil.example', '[::2]', '128.0.0.1', '0.0.0.0']) {
      expect((await rawRequest(server, { path: '/api/status', host, headers: bearer })).status, host).toBe(421);
    }
  });
});

describe('the Host header with --host', () => {
  const machine = (addresses: string[]) => ({ hostname: () => 'DevBox', addresses: () => addresses });

  test('on every interface (0.0.0.0 or ::), the machine\'s own host name and interface addresses are served too, and an interface that appears later', () => {
    const addresses = ['127.0.0.1', '192.168.1.20', 'fe80::1'];
    for (const listen of ['0.0.0.0', '::']) {
      const isOwn = hostChecker(listen, machine(addresses));
      for (const host of ['devbox:4780', 'DEVBOX', 'devbox.', '192.168.1.20:4780', '[fe80::1]:4780', '[FE80:0:0:0:0:0:0:1]', 'localhost:4780', listen.includes(':') ? '[::]' : '0.0.0.0:4780']) {
        expect(isOwn(host), `${listen} ${host}`).toBe(true);
      }
      for (const host of ['evil.example', 'devbox.evil.example', '192.168.1.21:4780', '10.0.0.5', undefined, '', 'devbox:4780:80', 'dev box']) {
        expect(isOwn(host), `${listen} ${host}`).toBe(false);
      }
    }
    const later = [...addresses];
    const isOwn = hostChecker('0.0.0.0', machine(later));
    expect(isOwn('10.8.0.2')).toBe(false);
    later.push('10.8.0.2');
    expect(isOwn('10.8.0.2:4780')).toBe(true);
  });

  test('on one address or name, that one and loopback are served; the machine\'s other names are not', () => {
    const byAddress = hostChecker('192.168.1.20', machine(['192.168.1.20', '10.0.0.5']));
    expect(byAddress('192.168.1.20:4780')).toBe(true);
    expect(byAddress('127.0.0.1:4780')).toBe(true);
    expect(byAddress('devbox:4780')).toBe(false);
    expect(byAddress('10.0.0.5:4780')).toBe(false);
    const byName = hostChecker('devbox.lan', machine([]));
    expect(byName('DevBox.lan:4780')).toBe(true);
    expect(byName('evil.example')).toBe(false);
  });

  test('a real server on 0.0.0.0 answers to this machine\'s host name and refuses another', async () => {
    const server = await startWebServer({ root: defaultOrg(), host: '0.0.0.0', port: 0, token: newToken() });
    try {
      const bearer = { authorization: `Bearer ${server.url.slice(server.url.indexOf('token=') + 'token='.length)}` };
      expect(server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/\?token=/);
      expect((await rawRequest(server, { path: '/api/status', host: `${hostname()}:${server.port}`, headers: bearer })).status).toBe(200);
      expect((await rawRequest(server, { path: '/api/status', host: `rebind.evil.example:${server.port}`, headers: bearer })).status).toBe(421);
    } finally {
      await server.close();
    }
  });
});

describe('request bodies', () => {
  test('a body over 256 KB is refused with 413 before it is read, whether its length is declared or it comes in chunks; nothing is stored', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    const ids = JSON.stringify({ ids: Array.from({ length: 30_000 }, (_, index) => `000000-made-up-${index}`) });
    expect(ids.length).toBeGreaterThan(256 * 1024);
    const declared = await rawRequest(server, { method: 'POST', path: '/api/inbox/read', headers, body: ids });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text)).toMatchObject({ error: 'too-large', message: expect.stringContaining('256 KB') });
    expect(declared.headers.connection).toBe('close');
    const chunked = await rawRequest(server, { method: 'POST', path: '/api/inbox/read', headers, body: Array.from({ length: 20 }, (_, index) => ids.slice(index * 20_000, (index + 1) * 20_000)) });
    expect(chunked.status).toBe(413);
    // Bodies that never end: the answer comes while the client is still sending, so nothing waited for the whole.
    const promised = await rawRequest(server, { method: 'POST', path: '/api/inbox/read', headers: { ...headers, 'content-length': String(36 * 1024 * 1024) }, body: [ids.slice(0, 1024)], end: false });
    expect(promised.status).toBe(413);
    const streaming = await rawRequest(server, { method: 'POST', path: '/api/inbox/read', headers, body: [ids.slice(0, 300_000)], end: false });
    expect(streaming.status).toBe(413);
    expect(existsSync(join(root, 'org/state/human-read.json'))).toBe(false);
    // Under the cap, the same route answers.
    const small = await rawRequest(server, { method: 'POST', path: '/api/inbox/read', headers, body: JSON.stringify({ ids: [] }) });
    expect(small.status).toBe(200);
  });
});

describe('the token', () => {
  test('LEMMING_TOKEN must have 16 characters or more and no whitespace; the error shows a good one', () => {
    for (const weak of [' '.repeat(16), 'short', 'fifteen-chars-x', 'sixteen chars ok', 'tab\tinside-the-token-1234', 'a-long-enough-token\n']) {
      expect(() => chooseToken('127.0.0.1', { LEMMING_TOKEN: weak }), JSON.stringify(weak)).toThrow(/LEMMING_TOKEN .*16 or more characters and no spaces.*openssl rand -hex 16/);
    }
    expect(chooseToken('127.0.0.1', { LEMMING_TOKEN: 'sixteen-chars-ok' })).toEqual({ token: 'sixteen-chars-ok', fromEnvironment: true });
    expect(chooseToken('0.0.0.0', { LEMMING_TOKEN: 'x'.repeat(32) }).token).toBe('x'.repeat(32));
    expect(() => chooseToken('0.0.0.0', {})).toThrow(/set LEMMING_TOKEN/);
  });
});
