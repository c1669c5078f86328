import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CLI, lemmingAsync } from '../helpers/cli.js';
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

  test('a worker started inside a clone of lemming, where commands default to its demo org, needs no org: it serves from the folder it stands in', { timeout: 60_000 }, async () => {
    // What makes a folder a clone (package-root.ts): a package.json naming lemming, and the default org's template.
    const clone = tempDir('lemming-clone-');
    write(clone, 'package.json', '{ "name": "lemming" }\n');
    write(clone, 'templates/software-team/template.yaml', 'name: software-team\n');
    for (const flags of [[], ['--log-format', 'json']]) {
      // As a person types it there: no --root.
      const worker = spawn(process.execPath, [CLI, 'worker', '--queue', redis.url, ...flags], { cwd: clone, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let said = '';
      try {
        const exited = new Promise<number | null>((resolve) => worker.on('exit', resolve));
        const serving = new Promise<void>((resolve) => {
          const take = (chunk: Buffer): void => {
            said += chunk.toString('utf8');
            if (/serves every model an engine asks for/.test(said)) resolve();
          };
          worker.stdout.on('data', take);
          worker.stderr.on('data', take);
        });
        const first = await Promise.race([serving.then(() => 'serving'), exited.then((status) => `exited ${status}`)]);
        expect(first, said).toBe('serving');
        expect(said).not.toContain('.demo');
      } finally {
        worker.kill('SIGKILL');
      }
    }
  });
});
