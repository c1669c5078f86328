import { cpSync } from 'node:fs';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { connectionOptions } from '../../src/queue/redis-address.js';
import { KEY_PREFIX, queueNameFor } from '../../src/queue/queue-keys.js';
import { loadOrg } from '../../src/org/load-org.js';
import { lemmingAsync } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles } from '../helpers/org-snapshot.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { tempDir } from '../helpers/temp-org.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';
import { wideOrg } from './wide-org.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

const workers: WorkerProcess[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop('SIGKILL')));
});

function worker(args: string[] = [], env: Record<string, string> = {}): WorkerProcess {
  const started = startWorkerProcess(tempDir('lemming-worker-'), ['--queue', redis.url, ...args], env);
  workers.push(started);
  return started;
}

/** How many jobs the workers finished on the queue of one of the org's models. */
async function completedJobs(root: string, modelKey: string): Promise<number> {
  const entry = loadOrg(root).org?.models[modelKey];
  if (!entry) throw new Error(`no model ${modelKey}`);
  const queue = new Queue(queueNameFor(modelKey, entry), { connection: connectionOptions(redis.url), prefix: KEY_PREFIX });
  try {
    return (await queue.getJobCounts('completed')).completed ?? 0;
  } finally {
    await queue.close();
  }
}

describe('model calls on workers', () => {
  test('three workers and an engine on a 50-agent org write the same messages, logs and charges as a local run', { timeout: 120_000 }, async () => {
    const local = tempDir();
    wideOrg(local);
    const queued = tempDir();
    cpSync(local, queued, { recursive: true });
    const started = [worker(['--concurrency', '4']), worker(['--concurrency', '4']), worker(['--concurrency', '4'])];
    await Promise.all(started.map((one) => one.waitFor(/serves every model/)));

    const [localRun, queuedRun] = await Promise.all([lemmingAsync(local, ['run', '--plain']), lemmingAsync(queued, ['run', '--plain', '--queue', redis.url])]);
    expect(localRun.status).toBe(0);
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
    // The work was shared: each worker served the model.
    for (const one of started) expect(one.output()).toMatch(/serving offline \(queue model-offline-/);
  });
});
