import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { LedgerEntry } from '../../src/engine/money/ledger.js';
import { EXPERIMENT_LEDGER, recordCharges } from '../../src/experiment/experiment-ledger.js';
import { tempDir } from '../helpers/temp-org.js';

const charge = (credits: number): Extract<LedgerEntry, { type: 'charge' }> =>
  ({ type: 'charge', turn: 3, agent: 'experiment', model: 'judge', input_tokens: 100, output_tokens: 10, credits, at: '2026-11-26T00:00:00.000Z' }) as Extract<LedgerEntry, { type: 'charge' }>;

test("a run judged again (killed after its judges' calls, before its result was saved) has every call on the experiment's ledger: what was spent adds up", () => {
  const folder = tempDir();
  recordCharges(folder, 'baseline-r1', 'adherence', [charge(0.01), charge(0.02)]);
  // The run is measured again, and its judges asked again: those calls are paid again.
  recordCharges(folder, 'baseline-r1', 'adherence', [charge(0.01), charge(0.02)]);
  recordCharges(folder, 'baseline-r1', 'judge', [charge(0.05)]);
  const lines = readFileSync(join(folder, EXPERIMENT_LEDGER), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { run: string; purpose: string; credits: number });
  expect(lines.map((line) => line.purpose)).toEqual(['adherence', 'adherence', 'adherence', 'adherence', 'judge']);
  expect(lines.every((line) => line.run === 'baseline-r1')).toBe(true);
  expect(lines.reduce((sum, line) => sum + line.credits, 0)).toBeCloseTo(0.11, 10);
});
