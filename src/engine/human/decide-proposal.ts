import { LemmingError } from '../../errors.js';
import type { Org } from '../../org/org.js';
import { describeProposal, type Proposal } from '../../tools/proposals/proposal.js';
import { readProposal, saveProposal } from '../../tools/proposals/proposal-store.js';
import { carryOutProposal } from './carry-out-proposal.js';

/** What deciding a proposal did, for the command to print. */
export interface Decision {
  proposal: Proposal;
  summary: string;
}

function carriedOut(proposal: Proposal): string {
  if (proposal.hire) return `${proposal.hire.name} joins at the next turn`;
  if (proposal.retire) return `${proposal.retire.name} leaves at the next turn; its folder is in agents/.retired/`;
  return `result${proposal.result_error ? ' (an error)' : ''}: ${(proposal.result ?? '').split('\n')[0]?.slice(0, 200)}`;
}

/**
 * The human's decision on a proposal. Approving carries it out at once; the proposer
 * is told in its next inbox either way. Approving one already approved finishes what a
 * crash cut short; a decision cannot be changed.
 */
export async function decideProposal(org: Org, id: string, verdict: 'approve' | 'reject', reason: string | undefined, now = new Date()): Promise<Decision> {
  const proposal = readProposal(org.root, id);
  const wanted = verdict === 'approve' ? 'approved' : 'rejected';
  if (proposal.status === 'done' && verdict === 'approve') return { proposal, summary: `${id} was already done` };
  if (proposal.status === 'rejected' && verdict === 'reject') return { proposal, summary: `${id} was already rejected` };
  if (proposal.status !== 'pending' && !(verdict === 'approve' && proposal.status === 'approved')) {
    throw new LemmingError('already-decided', `${id} was already ${proposal.status}; a decision cannot be changed`);
  }
  const decided: Proposal = { ...proposal, status: wanted, decided_at: now.toISOString(), ...(reason ? { reason } : {}) };
  saveProposal(org.root, decided);
  if (verdict === 'reject') return { proposal: decided, summary: `rejected ${id}: ${describeProposal(proposal)}` };
  // Marked approved first: a crash after this is finished by approving again.
  const done = await carryOutProposal(org, decided, now);
  saveProposal(org.root, done);
  return { proposal: done, summary: `approved ${id}: ${describeProposal(proposal)}; ${carriedOut(done)}` };
}
