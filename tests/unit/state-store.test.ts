import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { initialState, type EngineState, type PendingItem } from '../../src/engine/record/engine-state.js';
import type { AgentOutcome, JournalRecord } from '../../src/engine/record/journal.js';
import { loadState, saveState, stateTurn } from '../../src/engine/record/state-store.js';
import { commitTurn } from '../../src/engine/turn/commit-turn.js';
import { addEntries } from '../../src/engine/money/ledger.js';
import { enterCommand } from '../../src/invocation.js';
import { seededRandom } from '../helpers/seeded-random.js';

type Plan = Extract<JournalRecord, { type: 'plan' }>;

let folder: string;
let path: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'lemming-state-'));
  path = join(folder, 'engine.json');
  forgetProcess();
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** What a new process knows of the state: nothing (each command starts so). */
function forgetProcess(): void {
  enterCommand({ env: process.env, cwd: process.cwd() })();
}

const name = (index: number): string => `agent_${String(index).padStart(5, '0')}`;
const letter = (id: string, from: string, to: string, turn: number): PendingItem => ({ kind: 'message', id, from, to, turn, file: `agents/${from}/outbox/${id}.md`, priority: 'normal', subject: `About ${id}` });
const at = '2026-11-27T00:00:00.000Z';

function plan(turn: number, discovered: PendingItem[] = [], joined: string[] = []): Plan {
  return { type: 'plan', turn, calls: [], discovered: { hints: {}, taken: {}, joined, pending: discovered, humanNotices: [] }, events: [], outOfCredits: [], notices: [] };
}

/** An org of `agents` that have run one turn: each with a letter waiting, its activity, its charge. */
function bigState(agents: number): EngineState {
  const names = Array.from({ length: agents }, (_, index) => name(index));
  const pending = names.map((to, index) => letter(`000001-${name((index + 1) % agents)}-001`, name((index + 1) % agents), to, 1));
  pending.sort((left, right) => (left.id < right.id ? -1 : 1));
  const charges = names.map((agent) => ({ type: 'charge' as const, turn: 1, agent, model: 'm', input_tokens: 500, output_tokens: 50, credits: 0.001, at }));
  return { ...initialState(), turn: 1, members: names, pending, activity: Object.fromEntries(names.map((agent) => [agent, { turn: 1, summary: 'sent 1' }])), ledger: addEntries(initialState().ledger, charges, 10_000) };
}

/** The state as a reader reads it back (a fresh process, or `status` beside the engine). */
function readBack(): EngineState {
  return loadState(path);
}

/** The files of the state's parts, by name. */
const parts = (): string[] => (existsSync(join(folder, 'engine')) ? readdirSync(join(folder, 'engine')).sort() : []);
const partBytes = (name: string): number => statSync(join(folder, 'engine', name)).size;

describe("the engine's state written by what changed", () => {
  test('a turn that touched two agents of 2,000 writes their letters and records and a small engine.json, not every letter; a fresh process reads back the same state', () => {
    let state = bigState(2000);
    saveState(path, state);
    expect(parts()).toEqual(['000000001.json']);
    const base = partBytes('000000001.json');
    expect(base).toBeGreaterThan(300_000);
    expect(readBack()).toEqual(JSON.parse(JSON.stringify(state)));

    // Turn 2: two agents read their letter and write one each; their charges and activity change.
    const readers = [name(7), name(1500)];
    const outcomes: AgentOutcome[] = readers.map((agent) => ({ agent, read: state.pending.filter((item) => item.to === agent).map((item) => item.id), newMail: [letter(`000002-${agent}-001`, agent, name(3), 2)], humanNotices: [], activity: 'sent 1' }));
    const ledger = addEntries(state.ledger, readers.map((agent) => ({ type: 'charge' as const, turn: 2, agent, model: 'm', input_tokens: 600, output_tokens: 60, credits: 0.002, at })), 10_400);
    state = commitTurn(state, plan(2), outcomes, ledger);
    saveState(path, state);
    expect(parts()).toEqual(['000000001.json', '000000002.json']);
    expect(partBytes('000000002.json')).toBeLessThan(2_000);
    expect(statSync(path).size).toBeLessThan(400);
    expect(stateTurn(path)).toBe(2);
    const back = readBack();
    expect(back).toEqual(JSON.parse(JSON.stringify(state)));
    expect(back.pending.filter((item) => item.to === name(3)).map((item) => item.id)).toEqual(['000001-agent_00004-001', '000002-agent_00007-001', '000002-agent_01500-001']);
  });

  test('the records read back, from a whole copy and from a change, are records without a prototype: an agent named toString or constructor has no entry until it is given one', () => {
    let state = bigState(3);
    saveState(path, state);
    const readers = [name(1)];
    const outcomes: AgentOutcome[] = readers.map((agent) => ({ agent, read: [], newMail: [], humanNotices: [], activity: 'read 1' }));
    state = commitTurn(state, plan(2), outcomes, addEntries(state.ledger, [{ type: 'charge' as const, turn: 2, agent: name(1), model: 'm', input_tokens: 6, output_tokens: 6, credits: 0.002, at }], 10_400));
    saveState(path, state);
    expect(parts()).toEqual(['000000001.json', '000000002.json']);
    const back = readBack();
    for (const record of [back.activity, back.errors, back.ledger.totals, back.ledger.lastCharged]) {
      expect(Object.getPrototypeOf(record)).toBeNull();
      expect(record['toString']).toBeUndefined();
      expect(record['constructor']).toBeUndefined();
    }
    expect(back.activity[name(1)]?.summary).toBe('read 1');
  });

  test('a turn in which most agents ran writes a whole copy at once (the old ones removed), not a change as large', () => {
    let state = bigState(300);
    saveState(path, state);
    const outcomes: AgentOutcome[] = state.members.map((agent) => ({ agent, read: state.pending.filter((item) => item.to === agent).map((item) => item.id), newMail: [letter(`000002-${agent}-001`, agent, agent, 2)], humanNotices: [], activity: 'sent 1' }));
    state = commitTurn(state, plan(2), outcomes, state.ledger);
    saveState(path, state);
    expect(parts()).toEqual(['000000002.json']);
    expect(JSON.parse(readFileSync(join(folder, 'engine', '000000002.json'), 'utf8')).kind).toBe('base');
    expect(readBack()).toEqual(JSON.parse(JSON.stringify(state)));
  });

  test('changes pile up until they would outweigh the whole copy: then a new copy, and the older parts are removed once it is committed', () => {
    let state = bigState(30);
    saveState(path, state);
    for (let turn = 2; turn <= 40; turn += 1) {
      const agent = name(turn % 30);
      const outcome: AgentOutcome = { agent, read: state.pending.filter((item) => item.to === agent).map((item) => item.id), newMail: [letter(`${String(turn).padStart(6, '0')}-${agent}-001`, agent, name((turn + 1) % 30), turn)], humanNotices: [], activity: `sent 1 in turn ${turn}` };
      state = commitTurn(state, plan(turn), [outcome], state.ledger);
      saveState(path, state);
      const head = JSON.parse(readFileSync(path, 'utf8')) as { parts: { first: number; last: number; baseBytes: number; changeBytes: number } };
      expect(parts()).toEqual(Array.from({ length: head.parts.last - head.parts.first + 1 }, (_, index) => `${String(head.parts.first + index).padStart(9, '0')}.json`));
      expect(head.parts.changeBytes).toBeLessThanOrEqual(head.parts.baseBytes);
      expect(readBack()).toEqual(JSON.parse(JSON.stringify(state)));
    }
    expect((JSON.parse(readFileSync(path, 'utf8')) as { parts: { first: number } }).parts.first).toBeGreaterThan(1);
  });

  test('random turns of reads, letters to several, letters of the same id and turn, joins and departures read back exactly, each from a change or a new copy', () => {
    const random = ((generator) => () => generator.next())(seededRandom(76));
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    let state: EngineState = { ...initialState(), members: [name(0), name(1), name(2)] };
    saveState(path, state);
    let changes = 0;
    for (let turn = 1; turn <= 150; turn += 1) {
      const members = state.members;
      const outcomes: AgentOutcome[] = [];
      for (const agent of members) {
        if (random() < 0.7) continue;
        const mine = state.pending.filter((item) => item.to === agent);
        const read = mine.filter(() => random() < 0.7).map((item) => item.id);
        // A letter to several: one item per recipient, the same id and turn.
        const to = [pick(members), pick(members)].filter((recipient, index, all) => all.indexOf(recipient) === index);
        const newMail = random() < 0.8 ? to.map((recipient) => letter(`${String(turn).padStart(6, '0')}-${agent}-001`, agent, recipient, turn)) : [];
        outcomes.push({ agent, read, newMail, humanNotices: [], activity: `turn ${turn}`, ...(random() < 0.1 ? { error: 'timed out' } : {}) });
      }
      const joined = random() < 0.1 ? [name(members.length)] : [];
      // Mail found in an outbox this turn (a person's), of an earlier turn.
      const discovered = random() < 0.3 ? [letter(`${String(turn - 1).padStart(6, '0')}-human-001`, 'human', pick(members), turn - 1)] : [];
      state = commitTurn(state, plan(turn, discovered, joined), outcomes, state.ledger);
      // A departure: its activity goes (as a retirement's would), its mail stays.
      if (random() < 0.05) {
        const activity = { ...state.activity };
        delete activity[pick(members)];
        state = { ...state, activity };
      }
      saveState(path, state);
      const layout = (JSON.parse(readFileSync(path, 'utf8')) as { parts: { first: number; last: number } }).parts;
      if (layout.last > layout.first) changes += 1;
      expect(readBack(), `turn ${turn}`).toEqual(JSON.parse(JSON.stringify(state)));
      // Now and then the engine stops, and the next goes on from what the files say.
      if (random() < 0.1) {
        forgetProcess();
        state = loadState(path, true);
      }
    }
    // Most commits wrote a change, not a copy.
    expect(changes).toBeGreaterThan(75);
  });

  test('a state written whole in engine.json by an earlier lemming is read as it is, and its first commit writes it in parts, once', () => {
    const state = bigState(50);
    const whole = { ...state, version: 2 };
    writeFileSync(path, JSON.stringify(whole));
    expect(loadState(path)).toEqual(JSON.parse(JSON.stringify(state)));
    expect(stateTurn(path)).toBe(1);
    const next = { ...loadState(path, true), turn: 2 };
    saveState(path, next);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 3, turn: 2, parts: { first: 1, last: 1 } });
    expect(JSON.parse(readFileSync(path, 'utf8')).pending).toBeUndefined();
    expect(readBack()).toEqual(JSON.parse(JSON.stringify(next)));
  });

  test('a part a kill left behind engine.json is never read, and the next commits write over it or remove it', () => {
    let state = bigState(20);
    saveState(path, state);
    state = { ...state, turn: 2, activity: { ...state.activity, [name(1)]: { turn: 2, summary: 'sent 0' } } };
    saveState(path, state);
    // A commit killed after its part was written, before engine.json: a part engine.json does not name.
    writeFileSync(join(folder, 'engine', '000000003.json'), '{"kind":"change","turn":3,"activity":{"agent_00002":{"turn":3,"summary":"never committed"}}}\n');
    // And a whole copy's leftovers: a part before the first.
    writeFileSync(join(folder, 'engine', '000000000.json'), '{"kind":"base"}\n');
    expect(readBack()).toEqual(JSON.parse(JSON.stringify(state)));
    forgetProcess();
    state = loadState(path, true);
    state = { ...state, turn: 3, activity: { ...state.activity, [name(2)]: { turn: 3, summary: 'sent 1' } } };
    saveState(path, state);
    expect(parts()).toEqual(['000000001.json', '000000002.json', '000000003.json']);
    expect(readFileSync(join(folder, 'engine', '000000003.json'), 'utf8')).toContain('sent 1');
    expect(readBack()).toEqual(JSON.parse(JSON.stringify(state)));
  });

  test('a part gone or edited by hand is said, naming the file, never read as a state', () => {
    const state = bigState(5);
    saveState(path, state);
    saveState(path, { ...state, turn: 2, activity: { ...state.activity, [name(1)]: { turn: 2, summary: 'x' } } });
    writeFileSync(join(folder, 'engine', '000000002.json'), '{"kind":"base"');
    expect(() => readBack()).toThrow(/engine\/000000002\.json cannot be read/);
    rmSync(join(folder, 'engine', '000000002.json'));
    expect(() => readBack()).toThrow(/are not all there/);
  });
});
