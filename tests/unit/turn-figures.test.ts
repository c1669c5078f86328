import { describe, expect, test } from 'vitest';
import type { EngineEvent, MessageSummary } from '../../src/engine/events.js';
import { countEvent, emptyStats } from '../../src/engine/run-totals.js';
import { countDelivered } from '../../src/engine/turn/refusal-text.js';

function delivered(from: string, to: string, forms: { direct?: number; to?: number; list?: number } = { direct: 1 }): EngineEvent {
  const message: MessageSummary = { id: `000003-${from}-001`, from, to, turn: 3, priority: 'normal', preview: 'hello', file: `agents/${from}/outbox/000003-001-${to}.md` };
  return { type: 'message-delivered', turn: 3, message, forms: { direct: 0, to: 0, cc: 0, list: 0, meeting: 0, ...forms } };
}

describe("a turn's figures, as its events come", () => {
  test("a delivered message counts as the org's work, the human's apart, each by the forms that reached its readers; a charge adds its tokens and credits", () => {
    const stats = emptyStats();
    countEvent(stats, delivered('manager', 'planner'));
    countEvent(stats, delivered('planner', 'coder_01'));
    countEvent(stats, delivered('human', 'manager'));
    countEvent(stats, delivered('hr', 'all-hands', { list: 4 }));
    countEvent(stats, { type: 'credits-charged', turn: 3, agent: 'manager', model: 'offline', inputTokens: 500, outputTokens: 40, credits: 0.25, balance: 9.75, estimated: false });
    expect({ delivered: stats.delivered, fromHuman: stats.fromHuman, deliveries: stats.deliveries }).toEqual({ delivered: 3, fromHuman: 1, deliveries: { direct: 3, to: 0, cc: 0, list: 4, meeting: 0 } });
    expect({ inputTokens: stats.inputTokens, outputTokens: stats.outputTokens, credits: stats.credits }).toEqual({ inputTokens: 500, outputTokens: 40, credits: 0.25 });
  });

  test('the run screen counts a delivery into new figures and leaves the ones it was given as they were', () => {
    const before = { delivered: 2, fromHuman: 1, shown: 'kept' };
    const after = countDelivered(before, 'human');
    const next = countDelivered(after, 'planner');
    expect(before).toEqual({ delivered: 2, fromHuman: 1, shown: 'kept' });
    expect(after).toEqual({ delivered: 2, fromHuman: 2, shown: 'kept' });
    expect(next).toEqual({ delivered: 3, fromHuman: 2, shown: 'kept' });
    expect(next).not.toBe(after);
  });
});
