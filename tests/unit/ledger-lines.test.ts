import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LemmingError } from '../../src/errors.js';
import { ledgerLineProblem } from '../../src/org/ledger-line.js';
import { appendTurnCharges, emptySnapshot, readLedgerFrom, uncountableLines, type LedgerEntry } from '../../src/engine/money/ledger.js';
import { tempDir } from '../helpers/org-files.js';

const at = '2026-11-21T09:14:03.120Z';
type Charge = Extract<LedgerEntry, { type: 'charge' }>;
const charge = (fields: Partial<Record<keyof Charge, unknown>> = {}): Charge => ({ type: 'charge', turn: 3, agent: 'coder', model: 'm', input_tokens: 812, output_tokens: 144, credits: 0.00021, at, ...fields }) as Charge;

/** Charges the engine could be handed, countable or not. */
const candidates: Array<Partial<Record<keyof Charge, unknown>>> = [
  {},
  { cached_input_tokens: 12, cache_write_tokens: 3, calls: 2 },
  { input_tokens: Number.MAX_SAFE_INTEGER },
  { input_tokens: Number.MAX_SAFE_INTEGER + 2 },
  { input_tokens: 1e300 },
  { output_tokens: 0.4 },
  { output_tokens: -1 },
  { cached_input_tokens: 1.5 },
  { calls: 0 },
  { credits: 1e12 },
  { credits: 1e12 + 1 },
  { credits: Number.POSITIVE_INFINITY },
  { credits: Number.NaN },
  { credits: -0.5 },
  { turn: 1.5 },
  { agent: '' },
];

describe("the ledger's writer and reader share one rule", () => {
  test('a charge is written exactly when it can be read back, and is read back as written', () => {
    for (const fields of candidates) {
      const path = join(tempDir(), 'ledger.jsonl');
      const entry = charge(fields);
      let written = true;
      try {
        appendTurnCharges(path, emptySnapshot(), 3, [entry]);
      } catch (error) {
        written = false;
        expect(error, JSON.stringify(fields)).toBeInstanceOf(LemmingError);
        expect((error as Error).message).toMatch(/^not written to org\/state\/ledger\.jsonl, which could not count it back: /);
        expect(existsSync(path), JSON.stringify(fields)).toBe(false);
      }
      // What the writer decided is what the reader's rule says of the line as JSON gives it back.
      expect(written, JSON.stringify(fields)).toBe(ledgerLineProblem(JSON.parse(JSON.stringify(entry))) === undefined);
      if (written) expect(readLedgerFrom(path, 0).entries).toEqual([JSON.parse(JSON.stringify(entry))]);
    }
  });

  test('a line that cannot be counted stops the reader, naming its line in the file even when read from an offset', () => {
    const path = join(tempDir(), 'ledger.jsonl');
    appendTurnCharges(path, emptySnapshot(), 1, [charge({ turn: 1 }), charge({ turn: 1, agent: 'ana' })]);
    const { end } = readLedgerFrom(path, 0);
    appendFileSync(path, `\n${JSON.stringify(charge({ input_tokens: 9007199254740993 }))}\n`);
    for (const offset of [0, end]) {
      expect(() => readLedgerFrom(path, offset)).toThrow(/^org\/state\/ledger\.jsonl line 4: input_tokens is 9007199254740992; a charge holds a whole number of tokens from 0 to 9007199254740991\. /);
    }
    try {
      readLedgerFrom(path, end);
    } catch (error) {
      expect(error).toMatchObject({ code: 'ledger-line', exitCode: 4 });
    }
  });

  test('a line cut short by a crash is still left to the repair, not an error; every uncountable line is listed for validate', () => {
    const path = join(tempDir(), 'ledger.jsonl');
    writeFileSync(path, `${JSON.stringify(charge())}\n{"type":"top-up","agent":"ana","credits":0,"at":"${at}"}\n[1]\n{"type":"gift","agent":"ana","credits":1}\n{"type":"charge","agent":"ana"`);
    expect(uncountableLines(path)).toEqual([
      { file: 'org/state/ledger.jsonl', line: 2, problem: 'credits is 0; a top-up holds a number of credits above 0, at most 1000000000000' },
      { file: 'org/state/ledger.jsonl', line: 3, problem: 'is not a JSON object' },
      { file: 'org/state/ledger.jsonl', line: 4, problem: 'type is "gift"; a line is a "charge", "research", "top-up" or "transfer"' },
    ]);
    writeFileSync(path, `${JSON.stringify(charge())}\n{"type":"charge","agent":"ana"`);
    expect(readLedgerFrom(path, 0).entries).toHaveLength(1);
    // A ledger shorter than where the totals were counted to (a reset) is read from its end, as before.
    expect(readLedgerFrom(path, 1_000_000)).toEqual({ entries: [], end: readFileSync(path).length });
    expect(readFileSync(path, 'utf8')).toContain('{"type":"charge","agent":"ana"');
  });
});
