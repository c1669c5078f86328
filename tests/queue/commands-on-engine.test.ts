import { cpSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles, workspaceFiles } from '../helpers/org-snapshot.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { tempDir } from '../helpers/org-files.js';
import { queueTestKit } from './queue-test-kit.js';
import { Redis } from 'ioredis';
import { loadOrg } from '../../src/org/load-org-once.js';
import { KEY_PREFIX, queueNameFor } from '../../src/queue/queue-keys.js';

const redis = queueTestKit();

describe.skipIf(SANDBOX_PROBLEM !== undefined)('commands through a queue', () => {
  test('model calls go to the workers, commands run on the engine\'s machine: the coder\'s tests run where its workspace is, and no queue or job of Redis is theirs', async () => {
    const local = tempDir();
    lemming(local, ['bootstrap']);
    lemming(local, ['send', 'manager', 'Write the release notes for 1.2', '--subject', 'Release notes']);
    const queued = tempDir();
    cpSync(local, queued, { recursive: true });
    expect((await lemmingAsync(local, ['run', '--plain'])).status).toBe(0);

    // The worker could not run a command if it were sent one: it has no bwrap.
    const worker = redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url], { LEMMING_BWRAP: '/nonexistent/bwrap' });
    await worker.waitFor(/serves every model/);
    const run = await lemmingAsync(queued, ['run', '--plain', '--queue', redis.url]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/coder_01 step 2: run_command \{"command":"python3 -m unittest -v work\/tests\/test_release_notes\.py"\} → exit 0/);

    expect(messageFiles(queued)).toEqual(messageFiles(local));
    expect(charges(queued)).toEqual(charges(local));
    expect(activityLogs(queued)).toEqual(activityLogs(local));
    expect(workspaceFiles(queued)).toEqual(workspaceFiles(local));
    expect(Object.values(messageFiles(queued)).join('\n')).toContain('3 test(s) pass (exit code 0)');
    // Redis holds the model's queue alone: no queue, job or worker for commands (their results reach
    // the workers only as what the next step's prompt shows the model, like any tool's).
    const client = new Redis(redis.url);
    try {
      const queues = new Set((await client.keys(`${KEY_PREFIX}:*`)).map((key) => key.split(':')[1]));
      const offline = loadOrg(queued).org.models.offline;
      if (!offline) throw new Error('no offline model');
      expect([...queues].filter((name) => name !== 'worker' && name !== 'models')).toEqual([queueNameFor('offline', offline)]);
    } finally {
      client.disconnect();
    }
  });
});
