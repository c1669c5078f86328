import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { appendTurnCharges, caughtUp, emptySnapshot, type LedgerEntry } from '../../src/engine/money/ledger.js';
import { tempDir } from '../helpers/org-files.js';

const at = '2026-11-21T09:14:03.120Z';
type Charge = Extract<LedgerEntry, { type: 'charge' }>;
const charge = (agent: string, credits: number): Charge => ({ type: 'charge', turn: 4, agent, model: 'm', input_tokens: 500, output_tokens: 40, credits, at });

/** The ledger lines JSON.parse was asked to read while `read` ran. */
function linesParsed<T>(read: () => T): { result: T; parsed: number } {
  const parse = vi.spyOn(JSON, 'parse');
  try {
    const result = read();
    return { result, parsed: parse.mock.calls.filter(([text]) => typeof text === 'string' && text.startsWith('{"type":')).length };
  } finally {
    parse.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("a turn's catch-up with the ledger", () => {
  test("takes the turn's own charges as the writer read them back, and still reads a top-up made meanwhile", () => {
    const path = join(tempDir(), 'ledger.jsonl');
    const before = caughtUp(path, emptySnapshot());
    appendTurnCharges(path, before, 4, [charge('ana', 0.25), charge('bo', 0.5)]);
    // A top-up another process made while the turn ran, after the turn's charges.
    appendFileSync(path, `${JSON.stringify({ type: 'top-up', agent: 'ana', credits: 3, at })}\n`);
    const { result, parsed } = linesParsed(() => caughtUp(path, before));
    // The top-up is the one line parsed: the turn's two charges were parsed once, by the writer's check.
    expect(parsed).toBe(1);
    expect(result.totals.ana).toMatchObject({ spent: 0.25, toppedUp: 3, calls: 1 });
    expect(result.totals.bo).toMatchObject({ spent: 0.5, toppedUp: 0, calls: 1 });
    expect(result.lastCharged).toEqual(Object.assign(Object.create(null), { ana: 4, bo: 4 }));
    expect(result.offset).toBe(readFileSync(path).length);
  });

  test('counts what the file says when a line was changed after it was written, not what the writer wrote', () => {
    const path = join(tempDir(), 'ledger.jsonl');
    const before = caughtUp(path, emptySnapshot());
    appendTurnCharges(path, before, 4, [charge('ana', 0.25), charge('bo', 0.5)]);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"credits":0.5', '"credits":0.75'));
    const { result, parsed } = linesParsed(() => caughtUp(path, before));
    expect(parsed).toBe(1);
    expect(result.totals.ana?.spent).toBe(0.25);
    expect(result.totals.bo?.spent).toBe(0.75);
  });

  test("a second reader of the same lines parses them itself: the writer's entries are handed to one reader", () => {
    const path = join(tempDir(), 'ledger.jsonl');
    appendTurnCharges(path, emptySnapshot(), 4, [charge('ana', 0.25)]);
    const first = caughtUp(path, emptySnapshot());
    const { result, parsed } = linesParsed(() => caughtUp(path, emptySnapshot()));
    expect(parsed).toBe(1);
    expect(result.totals).toEqual(first.totals);
  });
});
