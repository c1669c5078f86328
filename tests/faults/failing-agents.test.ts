import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readHumanNotices } from '../../src/engine/human/human-inbox.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, eventsOf, humanSends, inboxOf, requestsOf, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';

describe('an agent whose model keeps failing', () => {
  test('after 3 failed turns it is held: its manager (an agent) and the human are told once, and the run ends on it', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'planner') return new Error('offline: the server answered 500 Internal Server Error (gave up after 4 attempts)');
      if (request.agent === 'manager' && request.turn === 1) return { toolCalls: [sendCall('planner', 'Split the release into tasks.')] };
      return {};
    });
    const events = await runScripted(root, provider);

    expect(requestsOf(provider, 'planner').map((request) => request.turn)).toEqual([2, 3, 4]);
    const finished = eventsOf(events, 'run-finished')[0];
    expect(finished).toMatchObject({ reason: 'models-failing', failing: ['planner'] });
    const subject = 'planner is not called: its model offline keeps failing';
    const toManager = requestsOf(provider, 'manager').flatMap((request) => inboxOf(request)).filter((item) => item.subject === subject);
    expect(toManager).toHaveLength(1);
    expect(toManager[0]?.body).toMatch(/failed in 3 turns in a row \(turns 2 to 4\); the last failure: offline: the server answered 500/);
    expect(readHumanNotices(root).filter((notice) => notice.subject === subject)).toHaveLength(1);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);

    // Held across runs: nothing is asked of its model until its resume changes.
    const again = await runScripted(root, provider);
    expect(eventsOf(again, 'run-finished')[0]).toMatchObject({ reason: 'models-failing', turns: 0 });
    writeFile(root, 'agents/planner/resume.md', '---\ntitle: Planner\nmodel: offline\ncredits: 1\n---\nPlan carefully.\n');
    await runScripted(root, provider, { maxTurns: 1 });
    expect(requestsOf(provider, 'planner').map((request) => request.turn)).toEqual([2, 3, 4, 6]);
  });
});

describe('a failure streak across a stopped turn', () => {
  test('a turn stopped while a failing call was in flight: the next run finishes the turn, and each failed turn counts once', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const stop = new AbortController();
    const failing = (request: { agent: string; turn: number }) => {
      if (request.agent === 'manager' && request.turn === 1) return { toolCalls: [sendCall('planner', 'Split the release into tasks.')] };
      if (request.agent !== 'planner') return {};
      // The stop comes while the planner's second call is in flight: a failure that ends a stopped call is not kept, the call is made again.
      if (request.turn === 3) stop.abort();
      return new Error('offline: the server answered 500 Internal Server Error (gave up after 4 attempts)');
    };
    const first = new ScriptedProvider(failing);
    await runScripted(root, first, { signal: stop.signal });
    expect(requestsOf(first, 'planner').map((request) => request.turn)).toEqual([2, 3]);
    const streakOf = () =>
      (JSON.parse(readFileSync(join(root, 'org/state/cache/failing-agents.json'), 'utf8')) as { agents: Record<string, { turns: number; lastTurn: number }> }).agents.planner;
    // Written at a turn's end: it still holds turn 2's count.
    expect(streakOf()).toMatchObject({ turns: 1, lastTurn: 2 });

    const second = new ScriptedProvider(failing);
    await runScripted(root, second);
    // Turn 3 is finished (its call made again); turn 4 fails a third time and holds the planner, told once.
    expect(requestsOf(second, 'planner').map((request) => request.turn)).toEqual([3, 4]);
    expect(streakOf()).toMatchObject({ turns: 3, lastTurn: 4 });
    expect(readHumanNotices(root).filter((notice) => notice.subject === 'planner is not called: its model offline keeps failing')).toHaveLength(1);
  });
});
