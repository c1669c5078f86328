import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ChangedPieceError, cutRecord, moveWhenFull, readRecordFrom, recordEnd, recordLayout, recordLines } from '../../src/storage/record-pieces.js';

/** A small piece size, so a few appends cross several pieces. */
const PIECE = 100;

let folder: string;
let file: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'lemming-record-pieces-'));
  file = join(folder, 'ledger.jsonl');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** One writer's append, as the ledger and taken.jsonl make them: the move first, then the lines. */
function append(turn: number): string {
  const text = `${JSON.stringify({ turn, agent: 'ada', credits: 0.001 * turn })}\n${JSON.stringify({ turn, agent: 'bob', credits: 0.002 })}\n`;
  moveWhenFull(file, PIECE);
  appendFileSync(file, text);
  return text;
}

/** The record as one text, read whole from `offset` through the reader. */
function readText(offset: number): { text: string; end: number } {
  const read = readRecordFrom(file, offset);
  return { text: read.parts.map((part) => part.bytes.toString('utf8')).join(''), end: read.end };
}

describe('a record kept in pieces', () => {
  test('appends move the file to a piece once it reaches the size: it stays small, and reads back whole and in order from any offset', () => {
    let whole = '';
    for (let turn = 1; turn <= 30; turn += 1) whole += append(turn);
    const pieces = readdirSync(join(folder, 'ledger')).sort();
    expect(pieces.length).toBeGreaterThan(10);
    // Each piece is named for where it starts in the record, and holds whole appends only.
    let start = 0;
    for (const name of pieces) {
      expect(name).toBe(`${String(start).padStart(12, '0')}.jsonl`);
      const text = readFileSync(join(folder, 'ledger', name), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      start += Buffer.byteLength(text);
    }
    expect(recordLayout(file).base).toBe(start);
    expect(Buffer.byteLength(readFileSync(file, 'utf8'))).toBeLessThan(PIECE + 100);
    expect(recordEnd(file)).toBe(Buffer.byteLength(whole));
    expect(readText(0)).toEqual({ text: whole, end: Buffer.byteLength(whole) });
    // From every line's start, across every boundary: the rest of the record, and nothing else.
    for (let offset = 0; offset < whole.length; offset = whole.indexOf('\n', offset) + 1) expect(readText(offset).text).toBe(whole.slice(offset));
    expect(readText(whole.length)).toEqual({ text: '', end: whole.length });
    expect([...recordLines(readRecordFrom(file, 0).parts)].map((line) => JSON.parse(line.text).turn)).toEqual(Array.from({ length: 30 }, (_, index) => [index + 1, index + 1]).flat());
  });

  test('a last line without its newline (a write a kill cut short) is not read, and keeps the file from moving', () => {
    for (let turn = 1; turn <= 5; turn += 1) append(turn);
    const before = recordEnd(file);
    appendFileSync(file, '{"turn":6,"agent":"ada","cre');
    expect(readText(0).end).toBe(before);
    expect(moveWhenFull(file, 1)).toBe(false);
  });

  test('cut back across pieces to what a committed turn left: the piece it lies in becomes the file again, and the record is that prefix', () => {
    let whole = '';
    const ends: number[] = [];
    for (let turn = 1; turn <= 20; turn += 1) {
      whole += append(turn);
      ends.push(Buffer.byteLength(whole));
    }
    const piecesBefore = recordLayout(file).pieces.length;
    // At a piece's end, inside an earlier piece (after turn 3), and at the very start.
    const boundary = recordLayout(file).pieces[3]?.start as number;
    expect(boundary).toBeGreaterThan(ends[2] as number);
    for (const size of [boundary, ends[2] as number, 0]) {
      expect(cutRecord(file, size)).toBe(size);
      expect(readText(0).text).toBe(whole.slice(0, size));
      expect(recordLayout(file).pieces.length).toBeLessThan(piecesBefore);
    }
    expect(existsSync(file)).toBe(false);
    // A record already no longer than asked is left as it is.
    append(1);
    expect(cutRecord(file, 10_000)).toBe(recordEnd(file));
  });

  test('a piece changed by hand is said, never read as if it were whole', () => {
    for (let turn = 1; turn <= 12; turn += 1) append(turn);
    const piece = recordLayout(file).pieces[1]?.path as string;
    writeFileSync(piece, readFileSync(piece, 'utf8').slice(10));
    expect(() => readRecordFrom(file, 0)).toThrow(ChangedPieceError);
  });

  test('a look made after a move by another writer finds the moved piece, not a stale start', () => {
    for (let turn = 1; turn <= 3; turn += 1) append(turn);
    const end = recordEnd(file);
    // Moved outside this look's knowledge: the next look sees the folder changed and counts the piece.
    moveWhenFull(file, 1);
    expect(existsSync(file)).toBe(false);
    expect(recordLayout(file)).toMatchObject({ base: end, size: 0 });
    expect(readText(0).end).toBe(end);
  });
});
