import { cpSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { agentOf, answer, KEYS, wireOrg } from '../faults/wire-org.js';
import { lemmingAsync } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { humanSends, tempDir } from '../helpers/temp-org.js';
import { startWireServer, type ReceivedRequest, type WireReply } from '../helpers/wire-server.js';
import { queueTestKit } from './queue-test-kit.js';

const redis = queueTestKit();

/** The manager's first call is answered 503 twice (asking to wait 10 ms), then as the story goes; every other call at once. */
function flakyAtFirst(): (request: ReceivedRequest) => WireReply {
  let failures = 0;
  return (request) => {
    if (agentOf(request) === 'manager' && failures < 2) {
      failures += 1;
      return { status: 503, headers: { 'retry-after-ms': '10' }, body: { error: { message: 'overloaded, try again', type: 'server_error' } } };
    }
    if (agentOf(request) === 'manager' && JSON.stringify(request.body).includes('from=\\"human\\"')) return answer(request, { to: 'human', body: 'On it.' });
    return answer(request);
  };
}

/** The plain lines of a run that tell a retry, and the line of the manager's answer reaching the human. */
function retryLines(stdout: string): { retries: string[]; retriesBeforeAnswer: number } {
  const lines = stdout.split('\n');
  const answered = lines.findIndex((line) => line.startsWith('[turn 1] manager -> human'));
  const isRetry = (line: string): boolean => /^\[turn 1\] manager: flaky-openai failed \(.*\); attempt \d of \d in \d+\.\d s$/.test(line);
  return { retries: lines.filter(isRetry), retriesBeforeAnswer: lines.slice(0, answered).filter(isRetry).length };
}

describe('retries made on a worker', () => {
  test('reach the engine as they happen, with the same words as a local run', { timeout: 120_000 }, async () => {
    const server = await startWireServer(flakyAtFirst());
    try {
      const local = wireOrg(server.url);
      humanSends(local, 'manager', 'Build the thing.');
      const queued = tempDir();
      cpSync(local, queued, { recursive: true });

      const localRun = await lemmingAsync(local, ['run', '--plain'], KEYS);
      expect(localRun.status).toBe(0);
      const seenLocally = retryLines(localRun.stdout);
      expect(seenLocally.retries).toHaveLength(2);
      expect(seenLocally.retriesBeforeAnswer).toBe(2);

      server.handle(flakyAtFirst());
      await redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url, '--models', 'flaky-openai,flaky-anthropic'], KEYS).waitFor(/serves models flaky-openai/);
      const queuedRun = await lemmingAsync(queued, ['run', '--plain', '--queue', redis.url]);
      expect(queuedRun.status).toBe(0);
      // Each retry is shown before the call ends, in the same words as the local run's (the engine has no key: the worker made the call).
      expect(retryLines(queuedRun.stdout)).toEqual(seenLocally);
      expect(seenLocally.retries[0]).toMatch(/attempt 2 of 4 in 0\.0 s$/);
      expect(seenLocally.retries[1]).toMatch(/attempt 3 of 4 in 0\.0 s$/);
      expect(messageFiles(queued)).toEqual(messageFiles(local));
      expect(charges(queued)).toEqual(charges(local));
    } finally {
      await server.close();
    }
  });
});
