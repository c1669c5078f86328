import { mkdirSync } from 'node:fs';
import { LemmingError } from '../../errors.js';
import type { Org } from '../../org/org.js';
import { statePaths } from '../record/state-paths.js';
import { addEntries, appendLedger, balanceOf, emptySnapshot, readLedgerFrom, repairLedger, type LedgerEntry } from './ledger.js';

function ledgerEntries(root: string): LedgerEntry[] {
  return readLedgerFrom(statePaths(root).ledger, 0).entries;
}

/** An agent's balance now, from the whole ledger: its budget, plus what it was given, less what it spent. */
export function balanceNow(org: Org, agent: string): number {
  const totals = addEntries(emptySnapshot(), ledgerEntries(org.root), 0).totals[agent];
  return balanceOf(org.agents.get(agent)?.credits ?? 0, totals);
}

/** True once a proposal's transfer is in the ledger. */
export function transferred(root: string, proposal: string): boolean {
  return ledgerEntries(root).some((entry) => entry.type === 'transfer' && entry.proposal === proposal);
}

/**
 * Move credits between two agents for a proposal, once: a `transfer` line on each side (negative
 * for the giver), so money moves and is never made. A repeated approval finds the transfer and
 * moves nothing. The giver must be in the org and hold the credits now: a transfer it cannot
 * cover is refused with the reason (a LemmingError `bad-proposal`) and nothing is written. The
 * caller holds the org's lock (approve takes it; an engine has it), and only the lock's holder
 * spends, so the check and the move cannot be split by a charge.
 */
export function transferOnce(org: Org, proposal: string, from: string, to: string, credits: number, at: string): void {
  const root = org.root;
  if (credits <= 0 || transferred(root, proposal)) return;
  if (!org.agents.has(from)) throw new LemmingError('bad-proposal', `${from} is no longer in the org, so nobody pays the ${credits} credits`);
  const balance = balanceNow(org, from);
  if (credits > balance) {
    throw new LemmingError('bad-proposal', `${from} has ${balance} credits now, less than the ${credits} to move (a top-up of ${from} first would cover it)`);
  }
  const paths = statePaths(root);
  mkdirSync(paths.directory, { recursive: true });
  // Whoever carries a proposal out holds the lock: a line torn by a crash is ours to cut.
  repairLedger(paths.ledger);
  appendLedger(paths.ledger, [
    { type: 'transfer', agent: from, credits: -credits, proposal, at },
    { type: 'transfer', agent: to, credits, proposal, at },
  ]);
}

/**
 * Give back what a proposal paid when it cannot be carried out after all (a hire paid before a
 * crash whose name was taken meanwhile), once: the refund is a transfer of its own, keyed
 * `<proposal>:refund`, so money never stays with an agent that was never made.
 */
export function refundOnce(root: string, proposal: string, from: string, to: string, at: string): void {
  const entries = ledgerEntries(root);
  const paid = entries.find((entry) => entry.type === 'transfer' && entry.proposal === proposal && entry.agent === from && entry.credits > 0);
  const refund = `${proposal}:refund`;
  if (!paid || entries.some((entry) => entry.type === 'transfer' && entry.proposal === refund)) return;
  const paths = statePaths(root);
  repairLedger(paths.ledger);
  appendLedger(paths.ledger, [
    { type: 'transfer', agent: from, credits: -paid.credits, proposal: refund, at },
    { type: 'transfer', agent: to, credits: paid.credits, proposal: refund, at },
  ]);
}
