import { expect, test } from 'vitest';
import { initialState, type EngineState, type PendingItem } from '../../src/engine/record/engine-state.js';
import { baseText, partsOf } from '../../src/engine/record/state-parts.js';
import type { AgentOutcome, JournalRecord } from '../../src/engine/record/journal.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxHintStore, type OutboxHints } from '../../src/engine/record/outbox-hints.js';
import { commitTurn, hintChangesOfTurn } from '../../src/engine/turn/commit-turn.js';
import { tempDir } from '../helpers/temp-dirs.js';

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
  const file = join(tempDir('lemming-hints-'), 'outbox-hints.json');
  writeFileSync(file, JSON.stringify({ version: 1, outboxes: { ana: { mtimeMs: 1.5 }, bo: { mtimeMs: 2.5 }, cy: { mtimeMs: 3.5 }, eve: { mtimeMs: 4.5 } } }));
  const hints = OutboxHintStore.load(file);
  hints.apply(hintChangesOfTurn(plan(4, { bo: { mtimeMs: 20.5 } }), [outcome('ana', { hint: { mtimeMs: 10.5 } }), outcome('cy', { hint: null }), outcome('dee')]));
  const after: OutboxHints = JSON.parse(hints.text()).outboxes;
  expect(after).toEqual({ ana: { mtimeMs: 10.5 }, bo: { mtimeMs: 20.5 }, eve: { mtimeMs: 4.5 } });
});

const letter = (id: string, to: string, turn: number): PendingItem => ({ kind: 'message', id, from: 'boss', to, turn, file: `agents/boss/outbox/${id}.md`, priority: 'normal' });

test('a message to several waits for each reader until that reader reads it: one reader drawn, the others keep their copy', () => {
  const post = (to: string) => letter('000003-boss-001', to, 3);
  const state: EngineState = fromFile({ ...initialState(), turn: 3, pending: [post('ana'), post('bo'), post('cy')] });
  const next = commitTurn(state, plan(4), [outcome('ana', { read: ['000003-boss-001'] })], state.ledger);
  expect(next.pending.map((item) => item.to)).toEqual(['bo', 'cy']);
});

test('the waiting mail after a turn is the old rule\'s: read mail gone, new mail in (turn, id) order, one per id and recipient; the state\'s parts the same text as JSON.stringify', () => {
  const names = ['ana', 'bo', 'cy', 'dee', 'eve'];
  const pending = Array.from({ length: 40 }, (_, index) => letter(`${String(1 + (index % 4)).padStart(6, '0')}-boss-${String(index).padStart(3, '0')}`, names[index % 5] as string, 1 + (index % 4))).sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : 1));
  let state: EngineState = fromFile({ ...initialState(), turn: 4, pending });
  for (const turn of [5, 6, 7]) {
    const discovered = [letter(`${String(turn - 1).padStart(6, '0')}-human-001`, 'bo', turn - 1), letter(`000002-boss-${String(turn).padStart(3, '0')}`, 'eve', 2)];
    const turnPlan: Plan = { ...plan(turn), discovered: { ...plan(turn).discovered, pending: discovered } };
    const outcomes = [
      // ana reads her first two letters; bo reads the letter found this turn and one already waiting (it is sent again: kept once).
      outcome('ana', { read: state.pending.filter((item) => item.to === 'ana').slice(0, 2).map((item) => item.id), newMail: [letter(`${String(turn).padStart(6, '0')}-ana-001`, 'cy', turn)] }),
      outcome('bo', { read: [discovered[0]?.id ?? '', state.pending.find((item) => item.to === 'bo')?.id ?? ''], newMail: [letter(`${String(turn).padStart(6, '0')}-bo-001`, 'ana', turn), letter(`${String(turn).padStart(6, '0')}-bo-001`, 'ana', turn)] }),
    ];
    // The rule as it was written before the index: filter, add, keep the first of each (id, recipient), sort.
    const read = new Map(outcomes.map((each) => [each.agent, new Set(each.read)]));
    const seen = new Set<string>();
    const expected = [...state.pending, ...discovered]
      .filter((item) => !read.get(item.to)?.has(item.id))
      .concat(outcomes.flatMap((each) => each.newMail))
      .filter((item) => (seen.has(`${item.id} ${item.to}`) ? false : (seen.add(`${item.id} ${item.to}`), true)))
      .sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
    const next = commitTurn(state, turnPlan, outcomes, state.ledger);
    expect(next.pending).toEqual(expected);
    const { members, pending, activity, errors, ledger } = next;
    expect(baseText(next.turn, partsOf(next))).toBe(`${JSON.stringify({ kind: 'base', turn: next.turn, members, pending, activity, errors, totals: ledger.totals, lastCharged: ledger.lastCharged })}\n`);
    state = next;
  }
});
