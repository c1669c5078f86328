import { LemmingError } from '../../errors.js';
import { showCredits } from '../../format/format.js';
import type { Org } from '../../org/org.js';
import { statePaths } from '../record/state-paths.js';
import { appendOutsideTurn, balanceOf, caughtUp, emptySnapshot, readLedgerFrom, type LedgerEntry, type LedgerSnapshot } from './ledger.js';

function ledgerEntries(root: string): LedgerEntry[] {
  return readLedgerFrom(statePaths(root).ledger, 0).entries;
}

/** An agent's balance now, from the whole ledger: its budget, plus what it was given, less what it spent. */
export function balanceNow(org: Org, agent: string): number {
  return balancesNow(org)(agent);
}

/** Every agent's balance now, as `balanceNow` gives it, from one read of the ledger at the first question: for a list that may name several, or none. */
export function balancesNow(org: Org): (agent: string) => number {
  let totals: LedgerSnapshot['totals'] | undefined;
  return (agent) => balanceOf(org.agents.get(agent)?.credits ?? 0, (totals ??= caughtUp(statePaths(org.root).ledger, emptySnapshot()).totals)[agent]);
}

type Transfer = Extract<LedgerEntry, { type: 'transfer' }>;

function transfersOf(entries: readonly LedgerEntry[], proposal: string): Transfer[] {
  return entries.filter((entry): entry is Transfer => entry.type === 'transfer' && entry.proposal === proposal);
}

/** True once a proposal's transfer is in the ledger (its first line, at least: see moveOnce). */
export function transferred(root: string, proposal: string): boolean {
  return transfersOf(ledgerEntries(root), proposal).length > 0;
}

/** How many credits a proposal's transfer took from its giver, once its first line is in the ledger (undefined before). */
export function movedFor(root: string, proposal: string): number | undefined {
  const out = transfersOf(ledgerEntries(root), proposal).find((entry) => entry.credits < 0);
  return out === undefined ? undefined : -out.credits;
}

/**
 * Append the two lines of a transfer, or the one a crash cut off: both go in one append, so a kill
 * can only tear the second, which cutTornTail (storage/whole-records.ts) then removes; the next attempt finds the first
 * alone and writes the second, so money that left one agent always reaches the other.
 */
function moveOnce(root: string, proposal: string, from: string, to: string, credits: number, at: string): void {
  // Whoever moves money holds the lock: a line torn by a crash is ours to cut, before the ledger is read.
  appendOutsideTurn(root, true, () => {
    const done = transfersOf(ledgerEntries(root), proposal);
    const out: Transfer = { type: 'transfer', agent: from, credits: -credits, proposal, at };
    const into: Transfer = { type: 'transfer', agent: to, credits, proposal, at };
    if (done.length === 0) return [out, into];
    return done.length === 1 && done[0]?.credits === -credits ? [{ ...into, at: done[0].at }] : [];
  });
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
  if (credits <= 0) return;
  if (transferred(root, proposal)) {
    moveOnce(root, proposal, from, to, credits, at);
    return;
  }
  if (!org.agents.has(from)) throw new LemmingError('bad-proposal', `${from} is no longer in the org, so nobody pays the ${showCredits(credits)} credits`);
  const balance = balanceNow(org, from);
  if (credits > balance) {
    throw new LemmingError('bad-proposal', `${from} has ${showCredits(balance)} credits now, less than the ${showCredits(credits)} to move (a top-up of ${from} first would cover it)`);
  }
  moveOnce(root, proposal, from, to, credits, at);
}

/**
 * Give back what a proposal paid when it cannot be carried out after all (a hire paid before a
 * crash whose name was taken meanwhile), once: the refund is a transfer of its own, keyed
 * `<proposal>:refund`, so money never stays with an agent that was never made. A payment a crash
 * tore is completed first, so what left the proposer is exactly what comes back.
 */
export function refundOnce(root: string, proposal: string, from: string, to: string, at: string): void {
  const paid = transfersOf(ledgerEntries(root), proposal).find((entry) => entry.agent === to && entry.credits < 0);
  if (!paid) return;
  moveOnce(root, proposal, to, from, -paid.credits, paid.at);
  moveOnce(root, `${proposal}:refund`, from, to, -paid.credits, at);
}
