import { describe, expect, test } from 'vitest';
import { topUp } from '../../src/engine/money/top-up.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { resume } from '../helpers/org-files.js';
import { defaultFaultOrg, eventsOf, humanSends, requestsOf, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';

/** The manager hands every task from the human to the planner; everyone else is quiet. */
const delegating = (usage = { inputTokens: 100, outputTokens: 10, estimated: false }) =>
  new ScriptedProvider((request) =>
    request.agent === 'manager' && /from="human"/.test(request.messages[0]?.content ?? '') ? { toolCalls: [sendCall('planner', 'plan it')], usage } : { usage },
  );

describe('credits under pressure', () => {
  test('an agent that cannot pay for its next call is not called, and does not keep the run going', async () => {
    const root = defaultFaultOrg();
    write(root, 'planner', '0.0000001');
    humanSends(root, 'manager', 'go');
    const provider = delegating();
    const events = await runScripted(root, provider);

    expect(requestsOf(provider, 'planner')).toEqual([]);
    // Turn 2 finds the planner short and tells the manager; turn 3 is the manager reading that; then the run is idle.
    expect(eventsOf(events, 'agent-skipped').map((event) => `${event.turn}:${event.agent}:${event.reason}`)).toEqual(['2:planner:insufficient-credits', '3:planner:insufficient-credits']);
    expect(eventsOf(events, 'run-finished')[0]).toMatchObject({ reason: 'held', heldBy: ['budget'], turns: 3, stranded: ['planner'] });
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });

  test('a top-up made while the run goes is counted from the next turn, and the waiting mail is delivered once', async () => {
    const root = defaultFaultOrg();
    write(root, 'planner', '0.0000001');
    humanSends(root, 'manager', 'first');
    const provider = delegating();
    const first = await runScripted(root, provider);
    expect(eventsOf(first, 'run-finished')[0]?.stranded).toEqual(['planner']);

    humanSends(root, 'manager', 'second');
    const topping = new ScriptedProvider((request) => {
      if (request.agent === 'manager') topUp(loadOrg(root).org, 'planner', 1);
      return provider.generate(request).then((answer) => ({ toolCalls: answer.toolCalls, usage: answer.usage }));
    });
    const second = await runScripted(root, topping);
    // Turn 4 was planned before the manager's call topped the planner up; turn 5 calls it.
    expect(requestsOf(topping, 'planner').map((request) => request.turn)).toEqual([5]);
    expect(eventsOf(second, 'run-finished')[0]).toMatchObject({ reason: 'idle', stranded: [] });
    expect(checkInvariants(root, { requests: [...provider.requests, ...topping.requests] })).toEqual([]);
  });

  test('a call that costs more than is left takes the agent below zero once; then it is skipped and its manager told once', async () => {
    const root = defaultFaultOrg();
    write(root, 'planner', '0.02');
    humanSends(root, 'manager', 'first');
    humanSends(root, 'manager', 'second');
    const provider = delegating({ inputTokens: 10_000, outputTokens: 1_000, estimated: false });
    await runScripted(root, provider);
    humanSends(root, 'manager', 'third');
    await runScripted(root, provider);

    expect(requestsOf(provider, 'planner')).toHaveLength(1);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });
});

function write(root: string, agent: string, credits: string): void {
  writeFile(root, `agents/${agent}/resume.md`, resume({ title: 'Planner', model: 'offline', credits }));
}
