import { mkdirSync } from 'node:fs';
import { LemmingError } from '../../errors.js';
import { appendLedger, readLedgerFrom, repairLedger } from '../record/ledger.js';
import { lockHolder } from '../record/lock.js';
import { statePaths } from '../record/state-paths.js';
import type { Org } from '../../org/org.js';
import { describeProposal, type Proposal } from '../../tools/proposals/proposal.js';
import { readProposal, saveProposal } from '../../tools/proposals/proposal-store.js';
import { checkNewAgent, writeNewAgent } from '../../tools/proposals/new-agent.js';

/** Has the ledger a transfer for this proposal already? Then a repeated approval must not move money again. */
function transferred(root: string, proposal: string): boolean {
  const { entries } = readLedgerFrom(statePaths(root).ledger, 0);
  return entries.some((entry) => entry.type === 'transfer' && entry.proposal === proposal);
}

/**
 * Approve a hire and carry it out: the new agent's resume and chart entries, then the
 * budget moved from the proposer (one ledger entry on each side), then the file marked
 * done. Every step checks whether it was done before, so an approval cut short by a
 * crash is finished, never doubled, by approving again. The new agent joins at the
 * next turn (a running engine reloads the org's files between turns).
 */
function carryOutHire(org: Org, proposal: Proposal, now: Date): void {
  const hire = proposal.hire;
  if (!hire) throw new LemmingError('bad-proposal', `${proposal.id} is a hire without details`);
  const root = org.root;
  if (!org.agents.has(hire.name)) {
    const problems = checkNewAgent(org, hire);
    if (problems.length > 0) throw new LemmingError('bad-proposal', `${proposal.id} cannot be carried out: ${problems.join('; ')}`);
  }
  writeNewAgent(root, hire, 0);
  if (hire.credits > 0 && !transferred(root, proposal.id)) {
    const paths = statePaths(root);
    mkdirSync(paths.directory, { recursive: true });
    if (!lockHolder(root)) repairLedger(paths.ledger);
    const at = now.toISOString();
    appendLedger(paths.ledger, [
      { type: 'transfer', agent: proposal.proposed_by, credits: -hire.credits, proposal: proposal.id, at },
      { type: 'transfer', agent: hire.name, credits: hire.credits, proposal: proposal.id, at },
    ]);
  }
}

/** What deciding a proposal did, for the command to print. */
export interface Decision {
  proposal: Proposal;
  summary: string;
}

/**
 * The human's decision on a proposal. Approving a hire carries it out at once; other
 * kinds are marked approved and carried out by the engine at its next turn. Deciding
 * a proposal that is already decided the same way is a no-op that says so.
 */
export function decideProposal(org: Org, id: string, verdict: 'approve' | 'reject', reason: string | undefined, now = new Date()): Decision {
  const proposal = readProposal(org.root, id);
  const wanted = verdict === 'approve' ? 'approved' : 'rejected';
  if (proposal.status !== 'pending' && !(verdict === 'approve' && proposal.status === 'approved')) {
    if (proposal.status === wanted || (proposal.status === 'done' && verdict === 'approve')) {
      return { proposal, summary: `${id} was already ${proposal.status}` };
    }
    throw new LemmingError('already-decided', `${id} was already ${proposal.status}; a decision cannot be changed`);
  }
  let decided: Proposal = { ...proposal, status: wanted, decided_at: now.toISOString(), ...(reason ? { reason } : {}) };
  if (verdict === 'reject') {
    saveProposal(org.root, decided);
    return { proposal: decided, summary: `rejected ${id}: ${describeProposal(proposal)}` };
  }
  // Marked approved first: a crash after this is finished by approving again, and the engine sees it was agreed.
  saveProposal(org.root, decided);
  if (proposal.kind === 'hire') {
    carryOutHire(org, decided, now);
    decided = { ...decided, status: 'done' };
    saveProposal(org.root, decided);
    return { proposal: decided, summary: `approved ${id}: ${describeProposal(proposal)}; ${proposal.hire?.name} joins at the next turn` };
  }
  return { proposal: decided, summary: `approved ${id}: ${describeProposal(proposal)}; the engine carries it out at the next turn` };
}
