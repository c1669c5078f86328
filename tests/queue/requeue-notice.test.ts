import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ModelEntry } from '../../src/org/schema.js';
import { QueueClient } from '../../src/queue/queue-client.js';
import { KEY_PREFIX, queueNameFor } from '../../src/queue/queue-keys.js';
import { runQueuedJob } from '../../src/queue/queued-job.js';
import { WorkerWatch, type QueueNotice } from '../../src/queue/worker-watch.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const ENTRY = { provider: 'offline' } as unknown as ModelEntry;
const QUEUE = queueNameFor('quick', ENTRY);
const JOB_ID = 'faults.t2.coder.s0.0123456789abcdef';

async function until(what: string, ready: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/*
 * The engine says a job lost from Redis "is queued again". A worker that finishes the job it had
 * after that (its answer dropped), and a test or a person who acts on the notice, must find the job
 * in Redis. Said before the add, a worker on a loaded machine finished first, found no job at all,
 * and said so in other words ("is gone from Redis" rather than "is no longer this worker's"): the
 * FLUSHALL test of lost-jobs.test.ts waited for its words for good.
 */
describe('the notice that a lost job is queued again', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  test('comes once the job is in Redis again, and a worker that takes it then answers the call', { timeout: 60_000 }, async () => {
    const client = new QueueClient(redis.url);
    const probe = new Redis(redis.url);
    const jobKey = `${KEY_PREFIX}:${QUEUE}:${JOB_ID}`;
    /** Whether the job's key was in Redis as each notice was given: asked at once, before the engine sends anything more. */
    const inRedisAtNotice: Array<Promise<number>> = [];
    const notices: QueueNotice[] = [];
    const watch = new WorkerWatch(
      client,
      (notice) => {
        notices.push(notice);
        if (notice.notice === 'job-lost') inRedisAtNotice.push(probe.exists(jobKey));
      },
      { everyMs: 100, unclaimedMs: 1e9, unreachableMs: 30_000, unservedMs: 1e9 },
    );
    let worker: Worker | undefined;
    try {
      const answer = runQueuedJob<object, { text: string }>(watch, {
        queueName: QUEUE,
        openQueue: () => client.modelQueue('quick', ENTRY),
        target: { kind: 'model', name: 'quick' },
        name: 'call',
        data: { agent: 'coder' },
        jobId: JOB_ID,
      });
      await until('the job in Redis', async () => (await probe.exists(jobKey)) === 1);
      await redis.flush();
      await until('the notice that the job is queued again', () => inRedisAtNotice.length > 0);

      expect(notices.find((notice) => notice.notice === 'job-lost')?.message).toBe(
        `the job ${JOB_ID} (model "quick") is gone from Redis (emptied, restarted without persistence, or evicted); it is queued again under the same id`,
      );
      expect(await Promise.all(inRedisAtNotice)).toEqual([1]);

      worker = new Worker(QUEUE, async () => ({ text: 'Built it.' }), { connection: { host: '127.0.0.1', port: Number(new URL(redis.url).port) }, prefix: KEY_PREFIX });
      expect(await answer).toEqual({ text: 'Built it.' });
      expect(notices.filter((notice) => notice.notice === 'job-lost')).toHaveLength(1);
    } finally {
      await worker?.close();
      await client.close();
      probe.disconnect();
    }
  });
});
