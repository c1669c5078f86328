import { describe, expect, test } from 'vitest';
import { defaultOrg, humanSends, listOutbox, read, runEngine } from '../helpers/temp-org.js';
import { loginCookie, serveOrg } from './web-server.js';

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
