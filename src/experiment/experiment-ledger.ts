import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerEntry } from '../engine/money/ledger.js';
import { appendText } from '../storage/write-bytes.js';

/** The experiment's own ledger: what scoring its runs cost (judges' calls), one charge a line, never an agent's. */
export const EXPERIMENT_LEDGER = 'ledger.jsonl';

/** Whether the ledger holds `run`'s charges for `purpose` already (a run scored before a kill is not charged twice). */
function chargedAlready(ledger: string, run: string, purpose: string): boolean {
  if (!existsSync(ledger)) return false;
  return readFileSync(ledger, 'utf8')
    .split('\n')
    .some((line) => {
      try {
        const entry = JSON.parse(line) as { run?: string; purpose?: string };
        return entry.run === run && entry.purpose === purpose;
      } catch {
        return false;
      }
    });
}

/**
 * Write a run's judge charges for one purpose (`judge`, `adherence`) on the experiment's own ledger
 * (`experiments/<name>/ledger.jsonl`), each line naming its run and purpose, in one append, once.
 */
export function recordCharges(folder: string, run: string, purpose: string, charges: ReadonlyArray<Extract<LedgerEntry, { type: 'charge' }>>): void {
  if (charges.length === 0) return;
  const ledger = join(folder, EXPERIMENT_LEDGER);
  if (chargedAlready(ledger, run, purpose)) return;
  appendText(ledger, charges.map((charge) => `${JSON.stringify({ ...charge, run, purpose })}\n`).join(''));
}
