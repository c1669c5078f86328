import { join } from 'node:path';
import type { LedgerEntry } from '../engine/money/ledger.js';
import { LemmingError } from '../errors.js';
import { MAX_TEXT_BYTES, readOwnFile } from '../storage/read-own-file.js';
import { cutTornTail, shownFrom, wholeRecords, type DamagedLine } from '../storage/whole-records.js';
import { appendText } from '../storage/write-bytes.js';

/** The experiment's own ledger: what scoring its runs cost (judges' calls), one charge a line, never an agent's. */
export const EXPERIMENT_LEDGER = 'ledger.jsonl';

/**
 * Write a run's judge charges for one purpose (`judge`, `adherence`) on the experiment's own ledger
 * (`experiments/<name>/ledger.jsonl`), each line naming its run and purpose, in one append. Every
 * call made is a line: a run killed after its judges were asked and before its result was saved is
 * judged again when the experiment is run again, and those calls are paid again, so they are written
 * again (the ledger says what was spent, not what a run should have cost). A last line a kill cut
 * short is cut first (storage/whole-records.ts, cutTornTail): appended after it, these lines would be glued to it.
 */
export function recordCharges(folder: string, run: string, purpose: string, charges: ReadonlyArray<Extract<LedgerEntry, { type: 'charge' }>>): void {
  if (charges.length === 0) return;
  const path = join(folder, EXPERIMENT_LEDGER);
  cutTornTail(path);
  appendText(path, charges.map((charge) => `${JSON.stringify({ ...charge, run, purpose })}\n`).join(''));
}

/** One call the experiment paid for: which run it scored, what for, and the registry entry that answered. */
export interface ExperimentCharge {
  run: string;
  purpose: string;
  model: string;
}

/**
 * The calls on the experiment's own ledger (recordCharges' lines), read as lemming's own file (readOwnFile: no link
 * followed, no pipe waited on), by the rule of every record lemming appends to (storage/whole-records.ts): a torn
 * last line is passed over; a line that is no charge with a charge after it throws, naming the file and the line
 * (skipped, the report would not name who scored that run). Anything else in the file's place is said.
 */
export function readExperimentCharges(folder: string): ExperimentCharge[] {
  const path = join(folder, EXPERIMENT_LEDGER);
  const read = readOwnFile(path, MAX_TEXT_BYTES);
  if ('absent' in read) return [];
  if ('problem' in read) throw new LemmingError('corrupt-record', `${path} ${read.problem}, where an experiment keeps what scoring its runs cost (a file): move it away and run the experiment again`);
  if (read.truncated) throw new LemmingError('corrupt-record', `${path} is ${read.size} bytes, more than lemming reads back (at most ${MAX_TEXT_BYTES}): move it away and run the experiment again`);
  return wholeRecords(read.bytes, parseCharge, damagedLine(path)).records;
}

/** A line as a charge; undefined for a line a kill cut short, or one that is not a charge. */
function parseCharge(line: string): ExperimentCharge | undefined {
  try {
    // `?? {}`: a line `null` is JSON, and no charge.
    const { type, run, purpose, model } = (JSON.parse(line) ?? {}) as Record<string, unknown>;
    return type === 'charge' && typeof run === 'string' && typeof purpose === 'string' && typeof model === 'string' ? { run, purpose, model } : undefined;
  } catch {
    return undefined;
  }
}

function damagedLine(path: string): DamagedLine {
  return {
    code: 'experiment-ledger-line',
    file: shownFrom(path, 'experiments'),
    holds: 'a charge of the experiment (a JSON object on one line, such as {"type":"charge","model":"judge","credits":0.0012,...,"run":"baseline-r1","purpose":"judge"})',
    then: "; read past it, the report would not name who scored that line's run. Mend or delete that one line, then run the experiment again.",
  };
}
