import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { lemmingAsync } from '../helpers/cli.js';
import { humanSends, tempDir, write } from '../helpers/temp-org.js';
import { startWireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';
import { everythingInRedis } from '../queue/redis-contents.js';
import { queueTestKit } from '../queue/queue-test-kit.js';
import { chargeLines, outsideOrg, SCRIPTED_AGENT, sendBlock } from './outside-org.js';

const redis = queueTestKit();

function inbox(root: string) {
  return readHumanInbox(root, loadOrg(root).org).messages;
}

/** A shell-script agent at `bin/agent.sh` under `root`, which runs the scripted agent with `script`. */
function scriptAgentIn(root: string, script: string): void {
  write(root, 'bin/agent.sh', `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SCRIPTED_AGENT)} ${JSON.stringify(script)}\n`);
  chmodSync(join(root, 'bin', 'agent.sh'), 0o755);
}

describe('outside agents on workers', () => {
  test('an agent program runs on the worker that has it, in the agent workspace under its own root; a worker without it declines its queue', { timeout: 120_000 }, async () => {
    const org = outsideOrg({ provider: 'command', command: './bin/agent.sh', prompt: 'json', reply: 'json' });
    org.plan({ manager: [{ json: { tool_calls: [{ name: 'write_file', arguments: { path: 'draft.md', content: 'draft\n' } }] } }, { json: { text: 'Sent.', tool_calls: [{ name: 'send_message', arguments: { to: 'human', body: 'Drafted on a worker.' } }], usage: { input_tokens: 300, output_tokens: 12 } } }] });
    humanSends(org.root, 'manager', 'Draft it.');
    // The engine's root has the script (validate and the pre-flight look for it); so does one worker's root, not the other's.
    scriptAgentIn(org.root, org.script);
    const bare = redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url, '--models', 'agent']);
    const equippedRoot = tempDir('lemming-worker-');
    scriptAgentIn(equippedRoot, org.script);
    const equipped = redis.watched(equippedRoot, ['worker', '--queue', redis.url, '--models', 'agent']);
    await Promise.all([bare, equipped].map((worker) => worker.waitFor(/serves models agent/)));

    const run = await lemmingAsync(org.root, ['run', '--plain', '--queue', redis.url]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    await bare.waitFor(/not serving agent: its program is not here: there is no file .*\/bin\/agent\.sh/);
    expect(org.calls().map((call) => [call.step, call.cwd])).toEqual([
      [1, join(equippedRoot, 'agents', 'manager', 'workspace')],
      [2, join(equippedRoot, 'agents', 'manager', 'workspace')],
    ]);
    // Built-in tools run with the engine, on the org's own files.
    expect(readHumanInbox(org.root, loadOrg(org.root).org).messages).toMatchObject([{ body: 'Drafted on a worker.' }]);
    expect(chargeLines(org.root)).toMatchObject([{ input_tokens: expect.any(Number), calls: 2 }]);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('a program that fails on a worker is charged each run, as a local one is: its failure carries the charge back to the engine', { timeout: 120_000 }, async () => {
    const org = outsideOrg({ provider: 'command', command: './bin/agent.sh', max_retries: 1, input_price: 0, output_price: 0, price_per_call: 0.5 }, { credits: 100 });
    org.plan({ manager: [{ exit: 3, stderr: 'no quota\n' }, { exit: 3, stderr: 'no quota\n' }, { say: 'Nothing more.' }] });
    humanSends(org.root, 'manager', 'Try it.');
    scriptAgentIn(org.root, org.script);
    const workerRoot = tempDir('lemming-worker-');
    scriptAgentIn(workerRoot, org.script);
    const worker = redis.watched(workerRoot, ['worker', '--queue', redis.url, '--models', 'agent']);
    await worker.waitFor(/serves models agent/);
    const run = await lemmingAsync(org.root, ['run', '--plain', '--queue', redis.url]);
    expect(run.status).toBe(0);
    expect(org.calls().filter((call) => call.turn === 1)).toHaveLength(2);
    expect(chargeLines(org.root).filter((line) => line.turn === 1)).toMatchObject([{ input_tokens: 0, output_tokens: 0, credits: 1 }]);
    expect(chargeLines(org.root).reduce((sum, line) => sum + line.credits, 0)).toBe(0.5 * org.calls().length);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('an HTTP agent is called by the workers, whose environment alone holds its header; the header never reaches Redis or the engine', { timeout: 120_000 }, async () => {
    const token = 'Bearer worker-only-token-77c1d0';
    const agent = await startWireServer(() => ({ body: { text: sendBlock('human', 'Answered through a worker.') } }));
    try {
      const org = outsideOrg({ provider: 'http', url: agent.url, headers: { Authorization: 'AGENT_TOKEN' } });
      humanSends(org.root, 'manager', 'Hello?');
      const worker = redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url, '--models', 'agent'], { AGENT_TOKEN: token });
      await worker.waitFor(/serves models agent/);
      const run = await lemmingAsync(org.root, ['run', '--plain', '--queue', redis.url]);
      expect(run.status).toBe(0);
      expect(agent.requests.map((request) => request.headers.authorization)).toEqual([token]);
      // A text answer in JSON's "text", with tools offered natively: its blocks are read all the same.
      expect(inbox(org.root)).toMatchObject([{ body: 'Answered through a worker.' }]);
      expect(await everythingInRedis(redis.url)).not.toContain('worker-only-token');
      expect(checkInvariants(org.root, { secrets: [token] })).toEqual([]);
    } finally {
      await agent.close();
    }
  });
});
