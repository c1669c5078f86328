
import { nameRecord } from '../../org/names.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { readSavedJson } from '../../storage/read-own-file.js';

/**
 * What the human has been told of org.yaml `budget:` ceilings, in `org/state/budget.json` (part of the
 * org's record, so a copy tells nobody twice). Only the warnings: what was spent is the ledger's.
 */
export interface BudgetState {
  version: 1;
  /** By ceiling (`org`, or `department:<lead>`): the ceiling as last seen, and the shares of it told. */
  told: Record<string, { ceiling: number; shares: number[] }>;
}

export function emptyBudgetState(): BudgetState {
  return { version: 1, told: nameRecord() };
}

/** Read the file; a missing or unreadable one tells again what it held (a warning twice, never a hold lost: holds come from the ledger). */
export function readBudgetState(path: string): BudgetState {
  try {
    const data = readSavedJson<Partial<BudgetState>>(path) ?? {};
    if (data.version !== 1 || typeof data.told !== 'object' || data.told === null) return emptyBudgetState();
    return { version: 1, told: nameRecord(data.told) };
  } catch {
    return emptyBudgetState();
  }
}

export function writeBudgetState(path: string, state: BudgetState): void {
  writeFileAtomic(path, `${JSON.stringify(state)}\n`);
}
