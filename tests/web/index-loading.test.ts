import { describe, expect, test } from 'vitest';
import { ROUTES } from '../../src/web/openapi/route-specs.js';
import type { ChartView, IndexState } from '../../src/web/api-types.js';
import { answeredOrgWithIndexHeld } from './hold-index.js';
import { getJson, readEvents, serveOrg } from './web-server.js';

/** A concrete path for a route's OpenAPI path: an agent, a message id, a turn, a module. */
function concrete(path: string): string {
  return path.replace('{name}', 'manager').replace('{agent}', 'manager').replace('{id}', '000000-human-001').replace('{turn}', '0').replace('{file}', 'main.js');
}

/** Ask the status until the index is ready (each answer comes at once; the test's time limit bounds the wait). */
async function untilIndexed(server: { base: string; token: string }): Promise<IndexState> {
  for (;;) {
    const { body } = await getJson<{ index: IndexState }>(server, '/api/status');
    if (body.index.state !== 'loading') return body.index;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the dashboard while its message index loads', () => {
  test('the server answers before the index is in: status says loading, the page and the chart come, a person can send; the routes that need the index answer 503 with Retry-After; then it is ready and finds every message, the one sent meanwhile too', async () => {
    const { root, hold } = answeredOrgWithIndexHeld();
    try {
      // Resolves while the thread still waits to read the saved index: it listens without it.
      const server = await serveOrg(root, undefined, { waitForIndex: false });
      const auth = { authorization: `Bearer ${server.token}` };

      const stream = await fetch(`${server.base}/api/events`, { headers: auth });
      const status = await getJson<{ turn: number; index: IndexState }>(server, '/api/status');
      expect(status.status).toBe(200);
      expect(status.body.index).toEqual({ state: 'loading', messages: 0 });
      const page = await fetch(`${server.base}/`, { headers: auth });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<span id="index-state" class="index-state" hidden>indexing messages…</span>');
      const chart = await getJson<ChartView>(server, '/api/chart');
      expect(chart.status).toBe(200);
      expect(chart.body.nodes.map((node) => node.name)).toContain('manager');
      expect(chart.body.trafficCounted).toBe(false);
      expect(chart.body.edges.every((edge) => edge.total === 0)).toBe(true);
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
      // A dashboard alone has no engine checks: the index is not one of them.
      expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
      const sent = await fetch(`${server.base}/api/send`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ to: 'manager', subject: 'Zebra', body: 'Count the zebras too.' }) });
      expect(sent.status).toBe(201);
      const sentId = ((await sent.json()) as { id: string }).id;

      // Every GET route of the API's description: 503 exactly where it says the index is needed.
      const answered: string[] = [];
      for (const route of ROUTES) {
        if (route.method !== 'get' || route.path === '/api/events') continue;
        const response = await fetch(`${server.base}${concrete(route.path)}${route.path === '/api/search' ? '?q=aardvark' : ''}`, { headers: auth });
        answered.push(`${route.path} ${response.status}`);
        if (route.needsIndex) {
          expect(response.headers.get('retry-after')).toBe('1');
          expect(await response.json()).toMatchObject({ error: 'index-loading', index: 'loading', messages: 0 });
        } else {
          await response.arrayBuffer();
        }
      }
      const refused = answered.filter((line) => line.endsWith(' 503')).map((line) => line.split(' ')[0]);
      expect(refused.sort()).toEqual(['/api/messages', '/api/messages/{id}', '/api/requests', '/api/search', '/api/threads/{id}']);

      await hold.release();
      expect(await untilIndexed(server)).toEqual({ state: 'ready', messages: 3 });
      // Written after the address was out, while the index was built: it comes down the stream once the index is in; what was there before does not.
      const mail = (events: Array<{ event: string; data: unknown }>): string[] => events.filter((event) => event.event === 'mail').map((event) => (event.data as { message: { id: string } }).message.id);
      expect(mail(await readEvents(stream, (events) => mail(events).length > 0))).toEqual([sentId]);
      const found = await getJson<{ total: number; hits: Array<{ id: string }> }>(server, '/api/search?q=aardvark');
      expect(found.status).toBe(200);
      expect(found.body.hits.map((hit) => hit.id).sort()).toEqual(['000000-human-001', '000001-manager-001']);
      expect((await getJson<{ hits: Array<{ id: string }> }>(server, '/api/search?q=zebras')).body.hits.map((hit) => hit.id)).toEqual([sentId]);
      expect((await getJson<{ messages: unknown[] }>(server, '/api/threads/000001-manager-001')).body.messages).toHaveLength(2);
      const counted = await getJson<ChartView>(server, '/api/chart');
      expect(counted.body.trafficCounted).toBe(true);
      expect(counted.body.edges.find((edge) => edge.from === 'manager' && edge.to === 'human')?.total).toBe(1);
    } finally {
      await hold.release();
    }
  });
});
