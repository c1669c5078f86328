import { describe, expect, test } from 'vitest';
import { startWatched } from '../helpers/watched-process.js';
import { busyOrg, dashboardBase } from '../helpers/busy-org.js';
import { startRedis } from '../helpers/redis-server.js';
import { EventHub } from '../../src/web/event-hub.js';
import { engineChecks } from '../../src/web/health/engine-checks.js';
import { startWebServer } from '../../src/web/server.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { lemming } from '../helpers/cli.js';

interface ReadyAnswer {
  ready: boolean;
  checks: Array<{ name: string; ok: boolean; reason?: string }>;
}

async function readyz(base: string): Promise<{ status: number; body: ReadyAnswer; text: string }> {
  const response = await fetch(`${base}/readyz`);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as ReadyAnswer, text };
}

describe('health and readiness of lemming run --serve', () => {
  test('a busy run answers /healthz and /readyz without the token, ready, and says nothing private; the API still wants the token', { timeout: 120_000 }, async () => {
    const root = busyOrg(20);
    const run = startWatched(root, ['run', '--serve', '--port', '0', '--keep-going', '--turns', '500', '--plain']);
    try {
      await run.waitFor(/\[turn 3\] done/);
      const base = dashboardBase(run.output()) as string;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await readyz(base);
      expect(ready.status).toBe(200);
      expect(ready.body.ready).toBe(true);
      expect(ready.body.checks.map((check) => check.name)).toEqual(['engine', 'turn', 'queue', 'stopping']);
      // Neither the org's name nor its folder: a probe's answer is public.
      expect(ready.text).not.toContain(root);
      expect(ready.text).not.toContain('bench');
      expect((await fetch(`${base}/api/status`)).status).toBe(401);
    } finally {
      await run.stop();
    }
    expect(await run.exited()).toBe(0);
  });

  test('not ready while another engine holds the lock: the reason names its command and process', { timeout: 120_000 }, async () => {
    const root = busyOrg(5);
    const holder = startWatched(root, ['run', '--keep-going', '--turns', '100000', '--plain']);
    try {
      await holder.waitFor(/\[turn 3\] done/);
      // A dashboard watching for its own engine (as run --serve's does before its engine opens), on the same org.
      const hub = new EventHub();
      const checks = engineChecks({ root, hub, turnBoundSeconds: () => 600, queueAddress: () => undefined, reachQueue: async () => undefined, stopping: () => false });
      const server = await startWebServer({ root, host: '127.0.0.1', port: 0, token: 'a-token-of-sixteen-chars', hub, readiness: () => checks });
      try {
        const ready = await readyz(`http://127.0.0.1:${server.port}`);
        expect(ready.status).toBe(503);
        expect(ready.body.ready).toBe(false);
        expect(ready.body.checks.find((check) => check.name === 'engine')).toEqual({
          name: 'engine',
          ok: false,
          reason: `the org's lock is held by \`lemming run\` (process ${holder.child.pid}), not by this process's engine`,
        });
      } finally {
        await server.close();
      }
    } finally {
      await holder.stop();
    }
  });

  test('not ready once the queue\'s Redis stops, with the reason; ready again when it is back', { timeout: 120_000 }, async () => {
    const redis = await startRedis();
    const root = defaultOrg();
    // An idle org: the run waits for mail, the engine holding the lock, its calls bound for the queue.
    const run = startWatched(root, ['run', '--serve', '--port', '0', '--plain', '--queue', redis.url]);
    try {
      await run.waitFor(/waiting for mail/);
      const base = dashboardBase(run.output()) as string;
      // The engine holds the lock while it waits for mail (it once let it go as the first run ended).
      expect((await readyz(base)).status).toBe(200);
      await redis.kill();
      const down = await readyz(base);
      expect(down.status).toBe(503);
      const queue = down.body.checks.find((check) => check.name === 'queue');
      expect(queue?.ok).toBe(false);
      expect(queue?.reason).toMatch(/^cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      await redis.start();
      expect((await readyz(base)).status).toBe(200);
    } finally {
      await run.stop();
      await redis.stop();
    }
  });

  test('run --serve waiting for mail keeps the org\'s lock: a second run is refused, and ready stays true', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    const run = startWatched(root, ['run', '--serve', '--port', '0', '--plain']);
    try {
      await run.waitFor(/waiting for mail/);
      const second = lemming(root, ['run', '--plain']);
      expect(second.status).not.toBe(0);
      expect(second.stderr).toContain(`another engine is working on this org (process ${run.child.pid}, \`lemming run\``);
      expect((await readyz(dashboardBase(run.output()) as string)).status).toBe(200);
    } finally {
      await run.stop();
    }
    expect(await run.exited()).toBe(0);
  });
});
