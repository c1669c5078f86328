import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../helpers/org-files.js';
import type { LedgerEntry } from '../../src/engine/money/ledger.js';

// A piece's size as small as a few turns' lines (read when the modules load: they load after it is set).
process.env.LEMMING_RECORD_PIECE_BYTES = '600';
const { addEntries, appendTurnCharges, caughtUp, emptySnapshot, ledgerEnd, readLedgerFrom, uncountableLines } = await import('../../src/engine/money/ledger.js');
const { appendTaken, repairTaken, takenNames, takenStatus } = await import('../../src/engine/record/taken-files.js');

const at = '2026-11-21T09:14:03.120Z';
type Charge = Extract<LedgerEntry, { type: 'charge' }>;
const charge = (turn: number, agent: string): Charge => ({ type: 'charge', turn, agent, model: 'm', input_tokens: 800 + turn, output_tokens: 100, credits: 0.0002 * turn, at });

describe('the ledger kept in pieces', () => {
  test('a turn at a time: the file stays small, every charge is counted once, and a snapshot kept as a turn left it catches up across the pieces', () => {
    const path = join(tempDir(), 'ledger.jsonl');
    let snapshot = emptySnapshot();
    const snapshots = [snapshot];
    for (let turn = 1; turn <= 40; turn += 1) {
      appendTurnCharges(path, snapshot, turn, [charge(turn, 'ada'), charge(turn, 'bob')]);
      // A turn finished again after a crash charges no one twice.
      appendTurnCharges(path, caughtUp(path, snapshot), turn, [charge(turn, 'ada')]);
      snapshot = caughtUp(path, snapshot);
      snapshots.push(snapshot);
      expect(statSync(path, { throwIfNoEntry: false })?.size ?? 0).toBeLessThan(600 + 500);
    }
    expect(readdirSync(join(path, '..', 'ledger')).length).toBeGreaterThan(10);
    const all = readLedgerFrom(path, 0).entries;
    expect(all.length).toBe(80);
    expect(all.map((entry) => (entry.type === 'charge' ? entry.turn : 0))).toEqual(Array.from({ length: 40 }, (_, index) => [index + 1, index + 1]).flat());
    expect(snapshot.offset).toBe(ledgerEnd(path));
    expect(snapshot.totals.ada?.calls).toBe(40);
    expect(snapshot.totals.ada?.spent).toBeCloseTo(0.0002 * 820, 10);
    // From each turn's snapshot, what came after it: the same totals as counting the whole ledger.
    for (const kept of snapshots) expect(caughtUp(path, kept).totals).toEqual(addEntries(emptySnapshot(), all, 0).totals);
  });

  test("a turn's charges are never split between two pieces, also when a kill let its first lines through before the rest", () => {
    const path = join(tempDir(), 'ledger.jsonl');
    for (let turn = 1; turn <= 6; turn += 1) appendTurnCharges(path, caughtUp(path, emptySnapshot()), turn, [charge(turn, 'ada'), charge(turn, 'bob')]);
    // Turn 7 was cut by a kill after ada's line: the file has reached a piece's size, and the turn is finished again.
    appendFileSync(path, `${JSON.stringify(charge(7, 'ada'))}\n`);
    expect(statSync(path).size).toBeGreaterThanOrEqual(600);
    appendTurnCharges(path, caughtUp(path, emptySnapshot()), 7, [charge(7, 'ada'), charge(7, 'bob')]);
    const turns = readFileSync(path, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as Charge).turn);
    expect(turns.filter((turn) => turn === 7)).toHaveLength(2);
    // The next turn moves it, whole.
    appendTurnCharges(path, caughtUp(path, emptySnapshot()), 8, [charge(8, 'ada')]);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  test('a line lemming cannot count in an earlier piece stops the reader, naming that piece and its line; validate lists it so', () => {
    const path = join(tempDir(), 'ledger.jsonl');
    for (let turn = 1; turn <= 12; turn += 1) appendTurnCharges(path, caughtUp(path, emptySnapshot()), turn, [charge(turn, 'ada')]);
    const pieces = readdirSync(join(path, '..', 'ledger')).sort();
    const piece = join(path, '..', 'ledger', pieces[1] as string);
    const lines = readFileSync(piece, 'utf8').split('\n');
    // The same length: the piece's place in the record still holds, only a line changed.
    writeFileSync(piece, lines.map((line, index) => (index === 1 ? line.replace('"type":"charge"', '"type":"chargX"') : line)).join('\n'));
    expect(() => readLedgerFrom(path, 0)).toThrow(`org/state/ledger/${pieces[1]} line 2: type is "chargX"`);
    expect(uncountableLines(path)).toEqual([{ file: `org/state/ledger/${pieces[1]}`, line: 2, problem: expect.stringContaining('type is "chargX"') }]);
  });

  test('a piece cut by hand stops the reader with the piece named, rather than a balance summed without it', () => {
    const path = join(tempDir(), 'ledger.jsonl');
    for (let turn = 1; turn <= 12; turn += 1) appendTurnCharges(path, caughtUp(path, emptySnapshot()), turn, [charge(turn, 'ada')]);
    const piece = readdirSync(join(path, '..', 'ledger')).sort()[0] as string;
    const text = readFileSync(join(path, '..', 'ledger', piece), 'utf8');
    writeFileSync(join(path, '..', 'ledger', piece), text.slice(0, text.indexOf('\n') + 1));
    expect(() => caughtUp(path, emptySnapshot())).toThrow(`org/state/ledger/${piece} holds`);
  });
});

describe('taken.jsonl kept in pieces', () => {
  test('which files were taken in is known across every piece; a turn cut back after a crash leaves the record as the turn before left it', () => {
    const path = join(tempDir(), 'taken.jsonl');
    let size = 0;
    const sizes: number[] = [];
    for (let turn = 1; turn <= 30; turn += 1) {
      size = appendTaken(path, { turn, files: { ada: [`${String(turn).padStart(6, '0')}-001-bob.md`], bob: [`${String(turn).padStart(6, '0')}-001-ada.md`, 'broken.md'] }, undelivered: { bob: turn === 3 ? ['broken.md'] : [] } }, size);
      sizes.push(size);
    }
    expect(readdirSync(join(path, '..', 'taken')).length).toBeGreaterThanOrEqual(3);
    expect(statSync(path).size).toBeLessThan(600 + 200);
    expect(takenNames(path, 'ada').size).toBe(30);
    expect(takenStatus(path, 'ada', '000001-001-bob.md')).toBe('delivered');
    // Undelivered in turn 3, taken again (delivered) in turn 4: the latest line wins, whichever piece holds it.
    expect(takenStatus(path, 'bob', 'broken.md')).toBe('delivered');
    // A crash after turn 30 appended its line and before it committed: the record goes back to turn 12's end, across pieces.
    expect(repairTaken(path, sizes[11] as number)).toBe(sizes[11]);
    expect(takenNames(path, 'ada').size).toBe(12);
    expect(takenStatus(path, 'ada', '000013-001-bob.md')).toBe('not taken');
    // And goes on from there.
    appendTaken(path, { turn: 13, files: { ada: ['000013-001-bob.md'] } }, sizes[11] as number);
    expect(takenStatus(path, 'ada', '000013-001-bob.md')).toBe('delivered');
    appendFileSync(path, '{"turn":14,"files":{"ada":["cut');
    expect(takenStatus(path, 'ada', 'cut')).toBe('not taken');
  });
});
