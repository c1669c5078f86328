import { expect, test } from 'vitest';
import { initialState, type EngineState } from '../../src/engine/record/engine-state.js';
import type { AgentOutcome, JournalRecord } from '../../src/engine/record/journal.js';
import type { OutboxHints } from '../../src/engine/record/outbox-hints.js';
import { commitTurn, hintsAfterTurn } from '../../src/engine/turn/commit-turn.js';

type Plan = Extract<JournalRecord, { type: 'plan' }>;

/** As a fresh process has them: parsed from their files (engine.json, outbox-hints.json). */
const fromFile = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function plan(turn: number, hints: OutboxHints = {}): Plan {
  return { type: 'plan', turn, calls: [], discovered: { hints, taken: {}, joined: [], pending: [], humanNotices: [] }, events: [], outOfCredits: [], notices: [] };
}

function outcome(agent: string, fields: Partial<AgentOutcome> = {}): AgentOutcome {
  return { agent, read: [], newMail: [], humanNotices: [], activity: 'sent 1', ...fields };
}

test("a turn's activity and errors are the last turn's with this turn's outcomes over them, and the state read from its file is left as it was", () => {
  const state: EngineState = fromFile({
    ...initialState(),
    turn: 3,
    activity: { ana: { turn: 3, summary: 'sent 1' }, bo: { turn: 2, summary: 'idle' } },
    errors: { bo: { turn: 2, message: 'timed out' } },
  });
  const before = JSON.stringify(state);
  const next = commitTurn(state, plan(4), [outcome('ana', { activity: 'error', error: 'refused' }), outcome('cy')], state.ledger);
  expect(next.activity).toEqual({ ana: { turn: 4, summary: 'error' }, bo: { turn: 2, summary: 'idle' }, cy: { turn: 4, summary: 'sent 1' } });
  expect(next.errors).toEqual({ ana: { turn: 4, message: 'refused' }, bo: { turn: 2, message: 'timed out' } });
  expect(JSON.stringify(state)).toBe(before);
});

test("the outbox hints after a turn: the scan's, then each agent's own writes, a folder to list again dropped; the hints read from their file are left as they were", () => {
  const hints: OutboxHints = fromFile({ ana: { mtimeMs: 1.5 }, bo: { mtimeMs: 2.5 }, cy: { mtimeMs: 3.5 } });
  const before = JSON.stringify(hints);
  const next = hintsAfterTurn(hints, plan(4, { bo: { mtimeMs: 20.5 } }), [outcome('ana', { hint: { mtimeMs: 10.5 } }), outcome('cy', { hint: null }), outcome('dee')]);
  expect(next).toEqual({ ana: { mtimeMs: 10.5 }, bo: { mtimeMs: 20.5 } });
  expect(JSON.stringify(hints)).toBe(before);
});
