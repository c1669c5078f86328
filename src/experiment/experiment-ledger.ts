import { join } from 'node:path';
import type { LedgerEntry } from '../engine/money/ledger.js';
import { LemmingError } from '../errors.js';
import { readOwnText } from '../storage/read-own-file.js';
import { appendText } from '../storage/write-bytes.js';

/** The experiment's own ledger: what scoring its runs cost (judges' calls), one charge a line, never an agent's. */
export const EXPERIMENT_LEDGER = 'ledger.jsonl';

/**
 * Write a run's judge charges for one purpose (`judge`, `adherence`) on the experiment's own ledger
 * (`experiments/<name>/ledger.jsonl`), each line naming its run and purpose, in one append. Every
 * call made is a line: a run killed after its judges were asked and before its result was saved is
 * judged again when the experiment is run again, and those calls are paid again, so they are written
 * again (the ledger says what was spent, not what a run should have cost).
 */
export function recordCharges(folder: string, run: string, purpose: string, charges: ReadonlyArray<Extract<LedgerEntry, { type: 'charge' }>>): void {
  if (charges.length === 0) return;
  appendText(join(folder, EXPERIMENT_LEDGER), charges.map((charge) => `${JSON.stringify({ ...charge, run, purpose })}\n`).join(''));
}

/** One call the experiment paid for: which run it scored, what for, and the registry entry that answered. */
export interface ExperimentCharge {
  run: string;
  purpose: string;
  model: string;
}

/**
 * The calls on the experiment's own ledger (recordCharges' lines), read as lemming's own file (readOwnText: no link
 * followed, no pipe waited on, bounded); a line that does not read as one is left out, anything else in the file's place is said.
 */
export function readExperimentCharges(folder: string): ExperimentCharge[] {
  const path = join(folder, EXPERIMENT_LEDGER);
  const read = readOwnText(path);
  if ('absent' in read) return [];
  if ('problem' in read) throw new LemmingError('corrupt-record', `${path} ${read.problem}, where an experiment keeps what scoring its runs cost (a file): move it away and run the experiment again`);
  return read.text.split('\n').flatMap((line) => {
    try {
      const { type, run, purpose, model } = JSON.parse(line) as Record<string, unknown>;
      return type === 'charge' && typeof run === 'string' && typeof purpose === 'string' && typeof model === 'string' ? [{ run, purpose, model }] : [];
    } catch {
      return [];
    }
  });
}
