import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import { queueNameFor } from '../../src/queue/queue-keys.js';
import { writeFile } from '../faults/fault-org.js';
import { read } from '../helpers/org-files.js';
import { charges } from '../helpers/org-snapshot.js';
import { expectSameAsLocal, lostJobKit, RAW_BULLMQ } from './lost-job-kit.js';

const kit = lostJobKit();

describe('where recovery is impossible, the run stops and says why', () => {
  test('Redis gone for good: the run stops with one line and exit 1; started again once Redis is back, it ends as a local run does', { timeout: 120_000 }, async () => {
    const { local, queued } = await kit.localAndQueued();
    // Redis does not come back within the run: how long the run waits for it is the org's to say (8 s for the kit's other
    // tests, where Redis restarts on a busy machine), and 2 s is as good a bound for this one to wait out.
    writeFile(queued, 'org/org.yaml', read(queued, 'org/org.yaml').replace('unreachable_seconds: 8', 'unreachable_seconds: 2'));
    const run = kit.queuedRun(queued);
    await run.waitFor(/queue: no worker serves model "flaky-openai"/);
    await kit.redis.server.kill();
    await run.waitFor(/queue: the queue at redis:\/\/127\.0\.0\.1:\d+ does not answer \(.*\): calls wait for it; the run stops if it has not answered within 2 s/);
    expect(await run.exited()).toBe(1);
    expect(run.output()).toMatch(/lemming: the queue at redis:\/\/127\.0\.0\.1:\d+ has not answered for 2 s \(.*\); start Redis there and run again: the next run resumes this turn\n$/);
    expect(run.output()).not.toMatch(RAW_BULLMQ);

    await kit.redis.server.start();
    kit.worker();
    const again = kit.queuedRun(queued);
    expect(await again.exited()).toBe(0);
    expectSameAsLocal(queued, local);
  });

  test('no worker at all: the run says what its call waits for, stops past unserved_seconds with one line and exit 1; started again with a worker, it ends as a local run does', { timeout: 120_000 }, async () => {
    const { local, queued } = await kit.localAndQueued();
    writeFile(queued, 'org/org.yaml', read(queued, 'org/org.yaml').replace('unreachable_seconds: 8', 'unreachable_seconds: 8, unserved_seconds: 3'));
    const run = kit.queuedRun(queued);
    await run.waitFor(/queue: no worker serves model "flaky-openai": 1 call\(s\) wait in queue model-flaky-openai-\w+ on redis:\/\/127\.0\.0\.1:\d+; start one with `lemming worker --queue redis:\/\/127\.0\.0\.1:\d+ --models flaky-openai`/);
    // Before: it waited for ever, saying so every 10 s.
    expect(await run.exited()).toBe(1);
    expect(run.output()).toMatch(
      /lemming: no worker has served model "flaky-openai" for 3 s \(org\/org\.yaml engine\.queue_checks\.unserved_seconds\); start one with `lemming worker --queue redis:\/\/127\.0\.0\.1:\d+ --models flaky-openai` and run again: the next run resumes this turn\n$/,
    );
    // Nothing was charged for a call nobody made.
    expect(charges(queued)).toEqual([]);

    kit.worker();
    const again = kit.queuedRun(queued);
    expect(await again.exited()).toBe(0);
    expectSameAsLocal(queued, local);
  });

  test('a job left unclaimed while a worker announces its queue with free slots but takes nothing: queued again, then the run stops naming the worker', { timeout: 120_000 }, async () => {
    const { local, queued } = await kit.localAndQueued();
    writeFile(queued, 'org/org.yaml', read(queued, 'org/org.yaml').replace('every_seconds: 0.5,', 'every_seconds: 0.5, unclaimed_seconds: 1,'));
    const entry = loadOrg(queued).org?.models['flaky-openai'];
    if (!entry) throw new Error('no model flaky-openai');
    // What a worker whose job loop died looks like from Redis: its heartbeat goes on, announcing the queue, and it takes nothing.
    const announcement = { id: 'stuck-1', host: 'box', pid: 1, models: [], mcpServers: [], queues: [queueNameFor('flaky-openai', entry)], concurrency: 4 };
    let beating = true;
    const heartbeat = kit.onRedis(async (client) => {
      while (beating) {
        await client.set('lemming:worker:stuck-1', JSON.stringify(announcement), 'PX', 10_000);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await client.del('lemming:worker:stuck-1');
    });
    const run = kit.queuedRun(queued);
    try {
      expect(await run.exited()).toBe(1);
    } finally {
      beating = false;
      await heartbeat;
    }
    const said = run.output();
    const unclaimed = said.match(/queue: the job faults\.t1\.manager\.s0\.\w+ \(model "flaky-openai"\) waited [\d.]+ s unclaimed while worker\(s\) stuck-1 announced its queue with free slots; it is queued again under the same id/g);
    expect(unclaimed).toHaveLength(2);
    expect(said).toMatch(
      /lemming: the job faults\.t1\.manager\.s0\.\w+ \(model "flaky-openai"\) waited unclaimed 3 times for 1 s while worker\(s\) stuck-1 announced its queue with free slots: they take no jobs; restart them, and the next run resumes this turn\n$/,
    );
    expect(said).not.toMatch(/no worker serves/);

    // A worker that takes jobs, and the run started again, ends as the local run did.
    kit.worker();
    const again = kit.queuedRun(queued);
    expect(await again.exited()).toBe(0);
    expectSameAsLocal(queued, local);
  });

  test('a job lost again and again (a Redis that keeps dropping keys) stops the run with one line and exit 1', { timeout: 120_000 }, async () => {
    const { queued } = await kit.localAndQueued();
    const run = kit.queuedRun(queued);
    let dropping = true;
    const dropped = kit.onRedis(async (client) => {
      let count = 0;
      while (dropping) {
        const keys = await client.keys('lemming:model-flaky-openai-*:faults.t1.manager.s0.*');
        if (keys.length > 0) count += await client.del(...keys);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return count;
    });
    try {
      expect(await run.exited()).toBe(1);
    } finally {
      dropping = false;
    }
    expect(await dropped).toBeGreaterThan(0);
    expect(run.output()).toMatch(
      /lemming: the job faults\.t1\.manager\.s0\.\w+ \(model "flaky-openai"\) was lost from Redis 3 times: Redis is dropping lemming's keys \(its maxmemory-policy must be noeviction, and nothing may flush it during a run\); the next run resumes this turn\n$/,
    );
    expect(run.output()).not.toMatch(RAW_BULLMQ);
  });
});
