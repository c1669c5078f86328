import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemmingAsync } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles } from '../helpers/org-snapshot.js';
import { defaultOrg, humanSends, tempDir } from '../helpers/temp-org.js';
import type { WatchedProcess } from '../helpers/watched-process.js';
import { queueTestKit, quickJobChecks } from './queue-test-kit.js';
import { checkInvariants } from '../faults/invariants.js';
import { ANTHROPIC_KEY, KEYS, OPENAI_KEY, wireOrg } from '../faults/wire-org.js';
import { startHangingCoderServer } from './hanging-coder.js';
import { completedJobs as completedJobsOn, everythingInRedis } from './redis-contents.js';
import { wideOrg } from './wide-org.js';

const redis = queueTestKit();

/** A `lemming worker` on the test's Redis; its `--root` is a folder of its own (where a `.env` would be). */
function worker(args: string[] = [], env: Record<string, string> = {}): WatchedProcess {
  return redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url, ...args], env);
}

/** Message files byte for byte, `created:` times included: a replay fixes them from the cassette. */
function outboxBytes(root: string): Record<string, string> {
  return Object.fromEntries(Object.keys(messageFiles(root)).map((file) => [file, readFileSync(join(root, file), 'latin1')]));
}

/**
 * The 50-agent org run to idle with no queue, as each queued run of it must end: run once for the
 * file (the `lemming run` exiting 0 or the file's first test failing), a copy for each test.
 */
const ranLocally = builtOrg((root) => {
  wideOrg(root);
  step(root, ['run', '--plain']);
});

/** How many jobs the workers finished on the queue of one of the org's models. */
const completedJobs = (root: string, modelKey: string): Promise<number> => completedJobsOn(redis.url, root, modelKey);

/** How long a worker's job stays locked without a renewal (`--lock-seconds`) in the test of a worker killed mid-job. */
const LOCK_SECONDS = '5';

describe('model calls on workers', () => {
  test('three workers and an engine on a 50-agent org write the same messages, logs and charges as a local run', { timeout: 120_000 }, async () => {
    const local = ranLocally();
    const queued = tempDir();
    wideOrg(queued);
    const started = [worker(['--concurrency', '4']), worker(['--concurrency', '4']), worker(['--concurrency', '4'])];
    await Promise.all(started.map((one) => one.waitFor(/serves every model/)));

    const queuedRun = await lemmingAsync(queued, ['run', '--plain', '--queue', redis.url]);
    expect(queuedRun.stderr).toBe('');
    expect(queuedRun.status).toBe(0);
    expect(queuedRun.stdout).toMatch(/the org is idle/);

    const messages = messageFiles(local);
    expect(Object.keys(messages).length).toBeGreaterThan(200);
    expect(messageFiles(queued)).toEqual(messages);
    expect(charges(queued)).toEqual(charges(local));
    expect(activityLogs(queued)).toEqual(activityLogs(local));
    // Every call went through the queue, once: one finished job per charge.
    expect(await completedJobs(queued, 'offline')).toBe(charges(local).length);
    // The work was shared: each worker took up the model's queue. A worker looks for newly published
    // models now and then, so under load one may say so only after the run has ended: wait for it.
    await Promise.all(started.map((one) => one.waitFor(/serving offline \(queue model-offline-/)));
  });

  test('an engine killed mid-turn and started again ends with the same files and charges, and no call is made twice', { timeout: 120_000 }, async () => {
    const local = ranLocally();
    const queued = tempDir();
    wideOrg(queued);
    // The restarted engine finds answers the workers gave while no engine listened at its first look at each job: twice a second, not every 5 s.
    quickJobChecks(queued);
    await Promise.all([worker(['--concurrency', '8']), worker(['--concurrency', '8'])].map((one) => one.waitFor(/serves every model/)));

    // Killed after the 30th answer is journaled: other jobs of the turn are queued, running or done on the workers.
    const crashed = await lemmingAsync(queued, ['run', '--plain', '--queue', redis.url], { LEMMING_CRASH_AT: 'after-response:30' });
    expect(crashed.signal).toBe('SIGKILL');
    const finished = await lemmingAsync(queued, ['run', '--plain', '--queue', redis.url]);
    expect(finished.status).toBe(0);

    expect(messageFiles(queued)).toEqual(messageFiles(local));
    expect(charges(queued)).toEqual(charges(local));
    expect(activityLogs(queued)).toEqual(activityLogs(local));
    // The restarted engine read the answers the workers had already given instead of asking again.
    expect(await completedJobs(queued, 'offline')).toBe(charges(local).length);
  });

  test('a worker killed mid-job: another takes the job, and the org ends as a local run does; no key reaches the engine or Redis', { timeout: 120_000 }, async () => {
    const { server, hangNextCoderCall, coderHung } = await startHangingCoderServer();
    try {
      const local = wireOrg(server.url);
      humanSends(local, 'manager', 'Build the thing.');
      const queued = tempDir();
      cpSync(local, queued, { recursive: true });
      expect((await lemmingAsync(local, ['run', '--plain'], KEYS)).status).toBe(0);
      const localRequests = server.requests.length;

      hangNextCoderCall();
      // A lock a busy machine renews in time (every 2.5 s): a worker starved past a 1 s lock could lose
      // its job while alive, run it again itself and answer, and leave nothing for the kill to show.
      const first = worker(['--lock-seconds', LOCK_SECONDS, '--models', 'flaky-openai,flaky-anthropic'], KEYS);
      await first.waitFor(/serves models flaky-openai/);
      // The engine has no keys: they live with the workers.
      const run = lemmingAsync(queued, ['run', '--plain', '--queue', redis.url]);
      // The coder's call is held until the worker dies (the org's timeout is a minute): the kill, not a timer, ends it.
      await coderHung;
      await first.stop('SIGKILL');
      const second = worker(['--lock-seconds', LOCK_SECONDS, '--models', 'flaky-openai,flaky-anthropic'], KEYS);
      // The second worker says it took the job over when its check of the lock finds it: waited for, not looked for once.
      await second.waitFor(/left by a worker that stopped answering; it runs again/);
      const finished = await run;
      expect(finished.stderr).toBe('');
      expect(finished.status).toBe(0);

      expect(messageFiles(queued)).toEqual(messageFiles(local));
      expect(charges(queued)).toEqual(charges(local));
      expect(activityLogs(queued)).toEqual(activityLogs(local));
      // The same calls as the local run, and the coder's once more: the attempt that died with its worker.
      expect(server.requests.length - localRequests).toBe(localRequests + 1);
      // The engine told it too, as an event of its stream.
      expect(finished.stdout).toMatch(/queue: the job faults\.t\d+\.coder\.s0\.\w+ \(model "flaky-anthropic"\) was left by a worker that stopped answering; it is back in the queue for the next free worker/);
      expect(checkInvariants(queued, { secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
      const stored = await everythingInRedis(redis.url);
      expect(stored).toContain('Built it.');
      expect(stored).not.toContain(OPENAI_KEY);
      expect(stored).not.toContain(ANTHROPIC_KEY);
    } finally {
      await server.close();
    }
  });

  test('a run through workers recorded by the engine replays into a fresh copy with the same bytes, with no queue', { timeout: 120_000 }, async () => {
    const pristine = tempDir();
    wideOrg(pristine);
    const recorded = tempDir();
    cpSync(pristine, recorded, { recursive: true });
    const replayed = tempDir();
    cpSync(pristine, replayed, { recursive: true });
    const cassette = join(tempDir(), 'run.jsonl');
    await worker(['--concurrency', '8']).waitFor(/serves every model/);

    expect((await lemmingAsync(recorded, ['run', '--plain', '--queue', redis.url, '--record', cassette])).status).toBe(0);
    const replay = await lemmingAsync(replayed, ['run', '--plain', '--replay', cassette]);
    expect(replay.status).toBe(0);
    expect(outboxBytes(replayed)).toEqual(outboxBytes(recorded));
    expect(charges(replayed)).toEqual(charges(recorded));
  });

  test('an experiment sends its runs through the queue: the workers make every call', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(
      join(root, 'study.yaml'),
      `name: queued\nqueue: ${redis.url}\nmessages:\n  - { to: manager, body: Please get the release notes written. }\nvariants:\n  - name: baseline\n  - name: no-planner\n    chart: { manager: { send_to: [human, hr, janitor] } }\n`,
    );
    await worker(['--concurrency', '4']).waitFor(/serves every model/);
    const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml')]);
    expect(result.stderr).toMatch(/baseline: idle after turn 5/);
    expect(result.status).toBe(0);
    // One model call per charge, or per step when the charge's turn had several (an agent that wrote a file was asked
    // again with the result): every step of such a turn has its line.
    const calls = ['baseline', 'no-planner'].map((run) => {
      const folder = join(root, 'experiments/queued', run);
      const steps = Object.values(activityLogs(folder)).reduce((sum, log) => sum + log.split('"event":"step"').length - 1, 0);
      const turnsWithSteps = Object.values(activityLogs(folder)).reduce((sum, log) => sum + new Set([...log.matchAll(/"turn":(\d+),[^\n]*"event":"step"/g)].map((match) => match[1])).size, 0);
      return charges(folder).length - turnsWithSteps + steps;
    });
    expect(calls[0]).toBeGreaterThan(0);
    // At least one job per charge: an agent's call may take several steps (a tool's result goes back), each a job.
    expect(await completedJobs(join(root, 'experiments/queued/baseline'), 'offline')).toBeGreaterThanOrEqual((calls[0] ?? 0) + (calls[1] ?? 0));
  });
});
