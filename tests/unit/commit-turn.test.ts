import { expect, test } from 'vitest';
import { initialState, type EngineState } from '../../src/engine/record/engine-state.js';
import type { AgentOutcome, JournalRecord } from '../../src/engine/record/journal.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxHintStore, type OutboxHints } from '../../src/engine/record/outbox-hints.js';
import { commitTurn, hintChangesOfTurn } from '../../src/engine/turn/commit-turn.js';

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

test("the outbox hints after a turn: the scan's, then each agent's own writes, a folder to list again dropped, the others as the file had them", () => {
  const file = join(mkdtempSync(join(tmpdir(), 'lemming-hints-')), 'outbox-hints.json');
  writeFileSync(file, JSON.stringify({ version: 1, outboxes: { ana: { mtimeMs: 1.5 }, bo: { mtimeMs: 2.5 }, cy: { mtimeMs: 3.5 }, eve: { mtimeMs: 4.5 } } }));
  const hints = OutboxHintStore.load(file);
  hints.apply(hintChangesOfTurn(plan(4, { bo: { mtimeMs: 20.5 } }), [outcome('ana', { hint: { mtimeMs: 10.5 } }), outcome('cy', { hint: null }), outcome('dee')]));
  const after: OutboxHints = JSON.parse(hints.text()).outboxes;
  expect(after).toEqual({ ana: { mtimeMs: 10.5 }, bo: { mtimeMs: 20.5 }, eve: { mtimeMs: 4.5 } });
});
