import { mkdirSync } from 'node:fs';
import { statePaths } from '../record/state-paths.js';
import { appendLedger, readLedgerFrom, repairLedger } from './ledger.js';

/**
 * Move credits between two agents for a proposal, once: a `transfer` line on each side (negative
 * for the giver), so money moves and is never made. A repeated approval finds the transfer and
 * moves nothing. The caller holds the org's lock (approve takes it; an engine has it).
 */
export function transferOnce(root: string, proposal: string, from: string, to: string, credits: number, at: string): void {
  if (credits <= 0) return;
  const paths = statePaths(root);
  if (readLedgerFrom(paths.ledger, 0).entries.some((entry) => entry.type === 'transfer' && entry.proposal === proposal)) return;
  mkdirSync(paths.directory, { recursive: true });
  // Whoever carries a proposal out holds the lock: a line torn by a crash is ours to cut.
  repairLedger(paths.ledger);
  appendLedger(paths.ledger, [
    { type: 'transfer', agent: from, credits: -credits, proposal, at },
    { type: 'transfer', agent: to, credits, proposal, at },
  ]);
}
