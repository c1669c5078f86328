import { cpSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { defaultOrg, read, tempDir, write } from '../helpers/temp-org.js';
import { queueTestKit } from './queue-test-kit.js';
import { completedJobs } from './redis-contents.js';

const redis = queueTestKit();

async function startWorker(): Promise<void> {
  const worker = redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url]);
  await worker.waitFor(/serves every model/);
}

describe('demo and chat --drive through the queue, as run', () => {
  test('chat --drive with org.yaml engine.queue: the workers make the calls, and the chat reads the same reply as a local one', { timeout: 120_000 }, async () => {
    const local = defaultOrg();
    const queued = tempDir();
    cpSync(local, queued, { recursive: true });
    write(queued, 'org/org.yaml', read(queued, 'org/org.yaml').replace(/^engine:\n/m, `engine:\n  queue: ${redis.url}\n`));
    await startWorker();
    const input = 'Please plan the first release\n';

    const [localChat, queuedChat] = await Promise.all([lemmingAsync(local, ['chat', '--drive', '--plain'], {}, input), lemmingAsync(queued, ['chat', '--drive', '--plain'], {}, input)]);
    expect(localChat.status).toBe(0);
    expect(queuedChat.stderr).toBe('');
    expect(queuedChat.status).toBe(0);
    expect(queuedChat.stdout).toMatch(/manager wrote to you after \d+ turns/);
    expect(messageFiles(queued)).toEqual(messageFiles(local));
    expect(charges(queued)).toEqual(charges(local));
    // Every call of the drive was a job: at least one per charge (a tool step is a job of its own).
    expect(await completedJobs(redis.url, queued, 'offline')).toBeGreaterThanOrEqual(charges(local).length);
    expect(charges(local).length).toBeGreaterThan(0);
  });

  test('demo --queue (what `npm start` runs, pointed at workers): the default org runs to idle on the workers', { timeout: 120_000 }, async () => {
    const local = tempDir();
    const queued = tempDir();
    await startWorker();
    const [localDemo, queuedDemo] = await Promise.all([lemmingAsync(local, ['demo']), lemmingAsync(queued, ['demo', '--queue', redis.url])]);
    expect(localDemo.status).toBe(0);
    expect(queuedDemo.stderr).toBe('');
    expect(queuedDemo.status).toBe(0);
    expect(queuedDemo.stdout).toMatch(/Latest reply to the human: agents\/\w+\/outbox\//);
    expect(messageFiles(queued)).toEqual(messageFiles(local));
    expect(charges(queued)).toEqual(charges(local));
    expect(await completedJobs(redis.url, queued, 'offline')).toBeGreaterThanOrEqual(charges(local).length);
  });
});

