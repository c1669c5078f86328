import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org.js';
import { KEY_PREFIX, queueNameFor } from '../../src/queue/queue-keys.js';
import { connectionOptions } from '../../src/queue/redis-address.js';
import { CLI, type CliResult } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { defaultOrg, read, tempDir, write } from '../helpers/temp-org.js';
import { startWatched, type WatchedProcess } from '../helpers/watched-process.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

const workers: WatchedProcess[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop('SIGKILL')));
  await redis.flush();
});

async function startWorker(): Promise<void> {
  const worker = startWatched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url]);
  workers.push(worker);
  await worker.waitFor(/serves every model/);
}

/** The built CLI with lines on standard input, without blocking this process (the workers answer meanwhile). */
function lemmingWithInput(root: string, args: string[], input: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--root', root, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** How many jobs the workers finished on the queue of the org's offline model. */
async function offlineJobs(root: string): Promise<number> {
  const entry = loadOrg(root).org?.models.offline;
  if (!entry) throw new Error('no offline model');
  const queue = new Queue(queueNameFor('offline', entry), { connection: connectionOptions(redis.url), prefix: KEY_PREFIX });
  try {
    return (await queue.getJobCounts('completed')).completed ?? 0;
  } finally {
    await queue.close();
  }
}

describe('demo and chat --drive through the queue, as run', () => {
  test('chat --drive with org.yaml engine.queue: the workers make the calls, and the chat reads the same reply as a local one', { timeout: 120_000 }, async () => {
    const local = defaultOrg();
    const queued = tempDir();
    cpSync(local, queued, { recursive: true });
    write(queued, 'org/org.yaml', read(queued, 'org/org.yaml').replace(/^engine:\n/m, `engine:\n  queue: ${redis.url}\n`));
    await startWorker();
    const input = 'Please plan the first release\n';

    const [localChat, queuedChat] = await Promise.all([lemmingWithInput(local, ['chat', '--drive', '--plain'], input), lemmingWithInput(queued, ['chat', '--drive', '--plain'], input)]);
    expect(localChat.status).toBe(0);
    expect(queuedChat.stderr).toBe('');
    expect(queuedChat.status).toBe(0);
    expect(queuedChat.stdout).toMatch(/manager wrote to you after \d+ turns/);
    expect(messageFiles(queued)).toEqual(messageFiles(local));
    expect(charges(queued)).toEqual(charges(local));
    // Every call of the drive was a job: at least one per charge (a tool step is a job of its own).
    expect(await offlineJobs(queued)).toBeGreaterThanOrEqual(charges(local).length);
    expect(charges(local).length).toBeGreaterThan(0);
  });

  test('demo --queue (what `npm start` runs, pointed at workers): the default org runs to idle on the workers', { timeout: 120_000 }, async () => {
    const local = tempDir();
    const queued = tempDir();
    await startWorker();
    const [localDemo, queuedDemo] = await Promise.all([lemmingWithInput(local, ['demo'], ''), lemmingWithInput(queued, ['demo', '--queue', redis.url], '')]);
    expect(localDemo.status).toBe(0);
    expect(queuedDemo.stderr).toBe('');
    expect(queuedDemo.status).toBe(0);
    expect(queuedDemo.stdout).toMatch(/Latest reply to the human: agents\/\w+\/outbox\//);
    expect(messageFiles(queued)).toEqual(messageFiles(local));
    expect(charges(queued)).toEqual(charges(local));
    expect(await offlineJobs(queued)).toBeGreaterThanOrEqual(charges(local).length);
  });
});

