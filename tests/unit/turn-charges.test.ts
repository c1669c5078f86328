import { describe, expect, test } from 'vitest';
import type { ChargeLine } from '../../src/engine/money/ledger-entries.js';
import type { AgentOutcome, PlannedCall } from '../../src/engine/record/journal.js';
import { turnCharges } from '../../src/engine/turn/turn-charges.js';

function call(agent: string): PlannedCall {
  return { agent, modelKey: 'offline', reason: 'mail', shown: [], deferred: 0 };
}

function charge(agent: string, credits: number): ChargeLine {
  return { type: 'charge', turn: 3, agent, model: 'offline', input_tokens: 10, output_tokens: 2, credits, at: '2026-11-29T00:00:00.000Z' };
}

function outcome(agent: string, credits?: number): AgentOutcome {
  return { agent, read: [], newMail: [], humanNotices: [], activity: 'replied', ...(credits === undefined ? {} : { charge: charge(agent, credits) }) };
}

describe("a turn's charge lines", () => {
  const plan = ['planner', 'coder', 'manager', 'hr'].map(call);

  test('are in the order of the plan whatever order the calls ended in', () => {
    const ended = [outcome('manager', 3), outcome('hr'), outcome('planner', 1), outcome('coder', 2)];
    const expected = ['planner', 'coder', 'manager'];
    expect(turnCharges(plan, ended).map((line) => line.agent)).toEqual(expected);
    // A recovered turn: its journaled answers applied first, the others as they end.
    expect(turnCharges(plan, [outcome('coder', 2), outcome('planner', 1), outcome('hr'), outcome('manager', 3)]).map((line) => line.agent)).toEqual(expected);
  });

  test("a charge of an agent the plan has no call for is kept, after the plan's", () => {
    expect(turnCharges(plan, [outcome('visitor', 9), outcome('coder', 2)]).map((line) => `${line.agent}:${line.credits}`)).toEqual(['coder:2', 'visitor:9']);
  });

  test('a turn without charges gives none', () => {
    expect(turnCharges(plan, [outcome('hr'), outcome('coder')])).toEqual([]);
  });
});
