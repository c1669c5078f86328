import { cpSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { humanSends, tempDir } from '../helpers/temp-org.js';
import type { WatchedProcess } from '../helpers/watched-process.js';
import { startHangingCoderServer } from '../queue/hanging-coder.js';
import { checkInvariants } from '../faults/invariants.js';
import { ANTHROPIC_KEY, KEYS, OPENAI_KEY, wireOrg } from '../faults/wire-org.js';
import { queueTestKit } from '../queue/queue-test-kit.js';

const redis = queueTestKit();

function worker(args: string[] = [], env: Record<string, string> = {}): WatchedProcess {
  return redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url, ...args], env);
}

/** The address `--health-port 0` printed. */
function healthBase(process: WatchedProcess): string {
  return /health: (http:\/\/127\.0\.0\.1:\d+)\/healthz/.exec(process.output())?.[1] as string;
}

/** One sample's value from Prometheus text. */
function sample(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}

describe('lemming worker as a service', () => {
  test('SIGTERM during a job: the call is handed back (not left to a lock running out), the worker exits 0, another answers it; the org ends as a local run does', { timeout: 120_000 }, async () => {
    const { server, hangNextCoderCall, coderHung } = await startHangingCoderServer();
    try {
      const local = wireOrg(server.url);
      humanSends(local, 'manager', 'Build the thing.');
      const queued = tempDir();
      cpSync(local, queued, { recursive: true });
      expect((await lemmingAsync(local, ['run', '--plain'], KEYS)).status).toBe(0);

      hangNextCoderCall();
      // A lock of 60 s: were the job not handed back, the second worker would wait a minute for it.
      const first = worker(['--lock-seconds', '60', '--shutdown-timeout', '1', '--health-port', '0', '--models', 'flaky-openai,flaky-anthropic'], KEYS);
      await first.waitFor(/serves models flaky-openai/);
      await first.waitFor(/health: /);
      const health = healthBase(first);
      expect((await fetch(`${health}/healthz`)).status).toBe(200);
      const run = lemmingAsync(queued, ['run', '--plain', '--queue', redis.url]);
      await coderHung;
      const ready = (await (await fetch(`${health}/readyz`)).json()) as { ready: boolean; inFlight: number; serving: string[]; redis: boolean };
      expect(ready).toMatchObject({ ready: true, inFlight: 1, redis: true });
      expect(ready.serving).toContain('flaky-anthropic');
      const metrics = await (await fetch(`${health}/metrics`)).text();
      expect(sample(metrics, 'lemming_worker_jobs_in_flight')).toBe(1);
      expect(sample(metrics, 'lemming_worker_jobs_taken_total')).toBeGreaterThanOrEqual(2);
      expect(sample(metrics, 'lemming_worker_jobs_completed_total')).toBe(sample(metrics, 'lemming_worker_jobs_taken_total') - 1);
      expect(metrics).toMatch(/^lemming_worker_job_seconds_count \d+$/m);

      await first.stop('SIGTERM');
      expect(await first.exited()).toBe(0);
      expect(first.output()).toMatch(/flaky-anthropic: job \S+ handed back to the queue unfinished: the worker is stopping/);
      const second = worker(['--models', 'flaky-openai,flaky-anthropic'], KEYS);
      const finished = await run;
      expect(finished.status).toBe(0);
      expect(second.output()).not.toMatch(/left by a worker that stopped answering/);
      expect(messageFiles(queued)).toEqual(messageFiles(local));
      expect(charges(queued)).toEqual(charges(local));
      expect(checkInvariants(queued, { secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('--health-port: not ready while Redis is down, with the reason; ready once it is back', { timeout: 120_000 }, async () => {
    const first = worker(['--health-port', '0'], KEYS);
    await first.waitFor(/health: /);
    const health = healthBase(first);
    // Ready before any engine has published a queue: it serves nothing yet, and says so.
    const ready = await fetch(`${health}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, reasons: [], redis: true, serving: [], inFlight: 0 });
    await redis.server.kill();
    let down: Response | undefined;
    // Asked until it says so: a minute only catches one that never does (a busy machine notices late).
    for (let attempt = 0; attempt < 600; attempt += 1) {
      down = await fetch(`${health}/readyz`);
      if (down.status === 503) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(down?.status).toBe(503);
    expect(((await down?.json()) as { reasons: string[] }).reasons).toContain('not connected to Redis');
    expect((await fetch(`${health}/healthz`)).status).toBe(200);
    await redis.server.start();
    let back: Response | undefined;
    for (let attempt = 0; attempt < 600; attempt += 1) {
      back = await fetch(`${health}/readyz`);
      if (back.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(back?.status).toBe(200);
  });
});
