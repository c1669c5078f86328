import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { lemming } from '../helpers/cli.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, listOutbox, ofType, read, runEngine, write } from '../helpers/temp-org.js';

/** A model that makes planner and coder_01 bounce a question between them for ever (and the manager hand the task on). */
function pingPongModel(): ScriptedProvider {
  let round = 0;
  return new ScriptedProvider((request) => {
    round += 1;
    if (request.agent === 'manager') return { toolCalls: [sendCall('planner', 'Please plan the login page.')] };
    if (request.agent === 'planner') return { toolCalls: [sendCall('coder_01', `Which framework do you want? (${round})`)] };
    if (request.agent === 'coder_01') return { toolCalls: [sendCall('planner', `Which do you suggest? (${round})`)] };
    return {};
  });
}

function withBreakers(root: string, breakers: string): void {
  write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('engine:\n', `engine:\n  breakers: ${breakers}\n`));
}

describe('circuit breakers (org.yaml engine.breakers)', () => {
  test('a ping-pong past ping_pong messages holds both agents, their mail waiting, and tells the human; `lemming retry` lets one go', async () => {
    const root = defaultOrg();
    withBreakers(root, '{ ping_pong: 4 }');
    humanSends(root, 'manager', 'Build the login page.');
    const events = await runEngine(root, { maxTurns: 12 }, { providerFactory: () => pingPongModel() });

    // planner → coder_01 (turn 2), coder_01 → planner (3), planner → coder_01 (4), coder_01 → planner (5): four, and both are held
    // as turn 6 is planned; planner, which has mail, is not called.
    expect(listOutbox(root, 'planner')).toHaveLength(2);
    expect(listOutbox(root, 'coder_01')).toHaveLength(2);
    const held = ofType(events, 'agent-skipped').filter((event) => event.reason === 'breaker');
    expect(held.map((event) => [event.turn, event.agent, event.breaker])).toEqual([[6, 'planner', 'ping-pong with coder_01']]);
    // The run stops, idle: the only mail left waits for a held agent.
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'held', heldBy: ['breaker'], lastTurn: 6 });

    const inbox = readHumanInbox(root, loadOrg(root).org);
    const notices = inbox.notices.map((notice) => notice.subject);
    expect(notices).toEqual(expect.arrayContaining(['coder_01 is held by a circuit breaker: ping-pong with planner', 'planner is held by a circuit breaker: ping-pong with coder_01']));
    expect(inbox.notices.find((notice) => notice.subject.startsWith('planner'))?.body).toContain('`lemming retry planner`');

    // A person lets planner go: it is called again with its waiting mail, and counts start afresh.
    const retry = lemming(root, ['retry', 'planner']);
    expect(retry.status).toBe(0);
    expect(retry.stdout).toContain('planner will be called again at the next turn (a circuit breaker held it in turn 6: ping-pong with coder_01)');
    const after = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => pingPongModel() });
    expect(ofType(after, 'agent-called').map((event) => event.agent)).toEqual(['planner']);
    expect(listOutbox(root, 'planner')).toHaveLength(3);
    expect(existsSync(join(root, 'org/state/cache/retry/planner'))).toBe(false);
  });

  test('off by default: the same ping-pong runs on, nobody held', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Build the login page.');
    const events = await runEngine(root, { maxTurns: 9 }, { providerFactory: () => pingPongModel() });
    expect(ofType(events, 'agent-skipped')).toEqual([]);
    expect(listOutbox(root, 'planner').length + listOutbox(root, 'coder_01').length).toBe(8);
    expect(existsSync(join(root, 'org/state/breakers.json'))).toBe(false);
  });

  test('spending past credits_per_turn over the window holds the agent and tells the human', async () => {
    const root = defaultOrg();
    withBreakers(root, '{ spend: { credits_per_turn: 0.00001, window: 2 } }');
    humanSends(root, 'manager', 'Build the login page.');
    const events = await runEngine(root, { maxTurns: 12 }, { providerFactory: () => pingPongModel() });
    // Each call costs 0.00035 credits: by turn 3, manager and planner have spent past the rate over two turns.
    // planner's answer from coder_01 then waits for it, and the run ends idle.
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'held', heldBy: ['breaker'], lastTurn: 3 });
    expect(listOutbox(root, 'coder_01')).toHaveLength(1);
    expect(listOutbox(root, 'planner')).toHaveLength(1);
    const notices = readHumanInbox(root, loadOrg(root).org).notices.filter((item) => item.subject.includes('spending too fast'));
    expect(notices.map((notice) => notice.subject).sort()).toEqual(['manager is held by a circuit breaker: spending too fast', 'planner is held by a circuit breaker: spending too fast']);
    expect(notices[0]?.body).toMatch(/was charged 0\.000\d credits in the last 2 turns \(0\.000\d a turn; engine\.breakers\.spend\.credits_per_turn is 0\.00001\)/);
  });

  test("the notice says credits as every report does (showCredits): a spend too small for four decimals is said in billionths, the setting as it was written", async () => {
    const root = defaultOrg();
    // Prices a hundredth of the template's: a call costs 0.0000035 credits, which four decimals round to 0.0000.
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('input_price: 2.5\n    output_price: 10\n', 'input_price: 0.025\n    output_price: 0.1\n'));
    withBreakers(root, '{ spend: { credits_per_turn: 0.0000001, window: 2 } }');
    humanSends(root, 'manager', 'Build the login page.');
    await runEngine(root, { maxTurns: 12 }, { providerFactory: () => pingPongModel() });
    const notices = readHumanInbox(root, loadOrg(root).org).notices.filter((item) => item.subject.includes('spending too fast'));
    expect(notices.map((notice) => notice.subject).sort()).toEqual(['manager is held by a circuit breaker: spending too fast', 'planner is held by a circuit breaker: spending too fast']);
    for (const notice of notices) {
      expect(notice.body).toContain('was charged 0.0000035 credits in the last 2 turns (0.00000175 a turn; engine.breakers.spend.credits_per_turn is 0.0000001)');
    }
  });

  test('a breaker setting that cannot be one is refused with the field and a valid value', () => {
    const root = defaultOrg();
    withBreakers(root, '{ ping_pong: 1 }');
    const run = lemming(root, ['validate']);
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain('engine.breakers.ping_pong');
  });
});
