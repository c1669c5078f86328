import { describe, expect, test } from 'vitest';
import { expectSameAsLocal, lostJobKit, RAW_BULLMQ, requeued } from './lost-job-kit.js';

const kit = lostJobKit();
/** The keys of the manager's call in turn 1 (its job's id is fixed: faults.t1.manager.s0.<hash>). */
const MANAGER_JOB = 'lemming:model-flaky-openai-*:faults.t1.manager.s0.*';

/** The org run locally and a copy run through the queue, with a worker making the coder's call and that call held open. */
async function coderCallInFlight() {
  const org = await kit.localAndQueued();
  const hold = org.held.holdNext('coder');
  const worker = kit.worker();
  await worker.waitFor(/serves models flaky-openai/);
  const run = kit.queuedRun(org.queued);
  await hold.arrived;
  return { ...org, hold, worker, run };
}

describe('jobs lost from Redis are asked again under the same id', () => {
  test('FLUSHALL while calls wait for a worker: the job is queued again, and the org ends as a local run does', { timeout: 120_000 }, async () => {
    const { local, queued } = await kit.localAndQueued();
    const run = kit.queuedRun(queued);
    await run.waitFor(/queue: no worker serves model "flaky-openai"/);
    await kit.jobInRedis(MANAGER_JOB);
    await kit.redis.server.flush();
    await run.waitFor(requeued('manager', 'flaky-openai'));
    kit.worker();
    expect(await run.exited()).toBe(0);
    expect(run.output()).not.toMatch(RAW_BULLMQ);
    // No answer came while the queue was emptied: nobody said a worker served it.
    expect(run.output().split(requeued('manager', 'flaky-openai'))[0]).not.toMatch(/a worker serves/);
    expectSameAsLocal(queued, local);
  });

  test('Redis restarted without persistence while calls wait: the job is queued again once it answers', { timeout: 120_000 }, async () => {
    const { local, queued } = await kit.localAndQueued();
    const run = kit.queuedRun(queued);
    await run.waitFor(/queue: no worker serves model "flaky-openai"/);
    await kit.jobInRedis(MANAGER_JOB);
    await kit.redis.server.restart();
    await run.waitFor(requeued('manager', 'flaky-openai'));
    kit.worker();
    expect(await run.exited()).toBe(0);
    expect(run.output()).not.toMatch(RAW_BULLMQ);
    expectSameAsLocal(queued, local);
  });

  test('Redis restarted without persistence while a worker makes the call: the job runs again, the org sees one answer', { timeout: 120_000 }, async () => {
    const { local, queued, localRequests, queuedRequests, hold, run } = await coderCallInFlight();
    await kit.redis.server.restart();
    await run.waitFor(requeued('coder', 'flaky-anthropic'));
    hold.release();
    expect(await run.exited()).toBe(0);
    expect(run.output()).not.toMatch(RAW_BULLMQ);
    expectSameAsLocal(queued, local);
    // The coder's call was made twice (the answer to the first was lost with Redis); every other call once.
    expect(queuedRequests()).toBe(localRequests + 1);
  });

  test('FLUSHALL while a worker makes the call: the job runs again, the org sees one answer', { timeout: 120_000 }, async () => {
    const { local, queued, localRequests, queuedRequests, hold, worker: one, run } = await coderCallInFlight();
    await kit.redis.server.flush();
    await run.waitFor(requeued('coder', 'flaky-anthropic'));
    hold.release();
    expect(await run.exited()).toBe(0);
    // The worker's answer to the job it had was dropped, and its log says so in words, once. Its answer came after the run
    // said the job was queued again, so the job it finds is the one queued again, no longer its own (waited for in either
    // words: a worker that found no job would say "is gone from Redis", and the test says so rather than wait for good).
    await one.waitFor(/so this worker's answer to it was dropped/);
    expect(one.output()).toMatch(/the job faults\.t\d+\.coder\.s0\.\w+ is no longer this worker's \(its lock ran out, or Redis lost it\), so this worker's answer to it was dropped/);
    expect(one.output()).not.toMatch(RAW_BULLMQ);
    expect(one.output().match(/is no longer this worker's/g)).toHaveLength(1);
    expect(run.output()).not.toMatch(RAW_BULLMQ);
    expectSameAsLocal(queued, local);
    expect(queuedRequests()).toBe(localRequests + 1);
  });

  test('FLUSHALL while a worker holds a call past half its lock: its log says in words that it lost the job, once', { timeout: 120_000 }, async () => {
    const { hold, worker: one, run } = await coderCallInFlight();
    // The run is gone, so nothing queues the job again: the worker's next renewal of its lock (2 s, renewed each
    // half) finds the lock gone. Before, its log said BullMQ's "could not renew lock for job ...".
    await run.stop('SIGKILL');
    await kit.redis.server.flush();
    await one.waitFor(/lock for job|could not keep its hold on the job/);
    expect(one.output()).toMatch(/this worker could not keep its hold on the job faults\.t\d+\.coder\.s0\.\w+ \(Redis lost its lock, or the lock ran out while the worker was silent\), so its answer to it will be dropped/);
    hold.release();
    await one.waitFor(/so this worker's answer to it was dropped/);
    expect(one.output()).not.toMatch(RAW_BULLMQ);
    expect(one.output().match(/could not keep its hold/g)).toHaveLength(1);
  });

  test('a worker killed after taking a job while Redis also loses it: another worker runs it, the org ends as a local run does', { timeout: 120_000 }, async () => {
    const { local, queued, hold, worker: first, run } = await coderCallInFlight();
    await first.stop('SIGKILL');
    await kit.redis.server.flush();
    await run.waitFor(requeued('coder', 'flaky-anthropic'));
    kit.worker();
    expect(await run.exited()).toBe(0);
    expect(run.output()).not.toMatch(RAW_BULLMQ);
    expectSameAsLocal(queued, local);
    hold.release();
  });

  test("a job's keys evicted while it waits (its hash gone, its id still listed): it is queued again", { timeout: 120_000 }, async () => {
    const { local, queued } = await kit.localAndQueued();
    const run = kit.queuedRun(queued);
    await run.waitFor(/queue: no worker serves model "flaky-openai"/);
    await kit.jobInRedis(MANAGER_JOB);
    const evicted = await kit.onRedis(async (client) => {
      const keys = await client.keys(MANAGER_JOB);
      if (keys.length > 0) await client.del(...keys);
      return keys.length;
    });
    expect(evicted).toBeGreaterThan(0);
    await run.waitFor(requeued('manager', 'flaky-openai'));
    kit.worker();
    expect(await run.exited()).toBe(0);
    expect(run.output()).not.toMatch(RAW_BULLMQ);
    expectSameAsLocal(queued, local);
  });

  test("the engine's and the workers' connections cut while a call is made: they come back, and the org ends as a local run does", { timeout: 120_000 }, async () => {
    const { local, queued, hold, run } = await coderCallInFlight();
    expect(await kit.onRedis((client) => client.client('KILL', 'TYPE', 'normal'))).toBeGreaterThan(0);
    hold.release();
    expect(await run.exited()).toBe(0);
    expect(run.output()).not.toMatch(RAW_BULLMQ);
    expectSameAsLocal(queued, local);
  });
});
