import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemmingRingMessages } from '../../bench/peers/lemming-ring.js';
import { lemmingSideAt } from '../../bench/peers/lemming-side.js';
import { accountRing } from '../../bench/peers/ring-accounting.js';
import { startRingServer, type RingServer } from '../../bench/peers/ring-server.js';
import { ringAgents } from '../../bench/peers/ring.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dirs.js';

// The peers section's correctness figures (bench/sections/peers.ts): messages lost or repeated and
// model calls made twice, counted from what a run left and what the stand-in model answered.
const agents = ringAgents(3);

describe('the ring accounting', () => {
  test('every (agent, step) sent once and asked once counts nothing', () => {
    const all = agents.flatMap((agent) => [1, 2].map((step) => ({ agent, step })));
    expect(accountRing(agents, { first: 1, last: 2 }, all, all)).toEqual({ lost: 0, repeated: 0, callsTwice: 0, calls: 6 });
  });

  test('a missing message is lost, a second copy repeated, a second call for the same step made twice', () => {
    const messages = [
      { agent: 'agent_0000', step: 1 },
      { agent: 'agent_0000', step: 1 },
      { agent: 'agent_0000', step: 1 },
      { agent: 'agent_0001', step: 1 },
    ];
    const calls = [...messages, { agent: 'agent_0002', step: 1 }];
    // agent_0002 step 1 and all three of step 2 lost; agent_0000's step 1 twice more.
    expect(accountRing(agents, { first: 1, last: 2 }, messages, calls)).toEqual({ lost: 4, repeated: 2, callsTwice: 2, calls: 5 });
  });
});

describe('lemming killed in the middle of a step, then resumed, on a ring of 5 agents', () => {
  let server: RingServer;
  beforeAll(async () => (server = await startRingServer()));
  afterAll(() => server.close());

  test('no message is lost or repeated; the calls the kill cut short are counted as made twice, and a file removed or copied is counted', async () => {
    const scratch = tempDir('lemming-peers-');
    server.reset({ agents: 5, delayMs: 0 });
    const account = await lemmingSideAt(CLI).kill({ server, scratch, concurrency: 2 }, 5, 4, 2);
    expect(account.lost).toBe(0);
    expect(account.repeated).toBe(0);
    // Four steps of five agents, plus each call the kill cut short, asked again on resume.
    expect(account.calls).toBe(20 + account.callsTwice);
    expect(account.callsTwice).toBeLessThanOrEqual(5);

    // The same count over the org's files notices a message removed and one written twice.
    const root = join(scratch, 'org');
    const outbox = (agent: string) => join(root, 'agents', agent, 'outbox');
    const [first, second] = agents;
    const sent = (agent: string) => readdirSync(outbox(agent)).filter((file) => file.endsWith('.md'));
    rmSync(join(outbox(first as string), sent(first as string)[0] as string));
    copyFileSync(join(outbox(second as string), sent(second as string)[0] as string), join(outbox(second as string), 'copy.md'));
    const tampered = accountRing(ringAgents(5), { first: 1, last: 4 }, lemmingRingMessages(root, 5), server.calls);
    expect(tampered).toMatchObject({ lost: 1, repeated: 1 });
  }, 120_000);
});
