import { showCredits, showGiven } from '../../format/format.js';
import type { Org } from '../../org/org.js';
import { describeProposal, type Proposal, type ProposalStatus } from '../../tools/proposals/proposal.js';
import { listProposals, saveProposal } from '../../tools/proposals/proposal-store.js';
import type { PendingItem } from '../record/engine-state.js';
import { makeNotice } from './notices.js';

/** What a notice's subject says of a decided proposal. */
const SUBJECT_WORDS: Record<ProposalStatus, string> = { pending: 'pending', approved: 'approved', done: 'approved', rejected: 'rejected', failed: 'approved, not carried out' };

function noticeBody(proposal: Proposal): string {
  const what = describeProposal(proposal);
  if (proposal.status === 'rejected') {
    return `The human rejected your proposal ${proposal.id} (${what})${proposal.reason ? `: ${proposal.reason}` : '; no reason was given'}.`;
  }
  if (proposal.status === 'failed') {
    return `The human approved your proposal ${proposal.id} (${what}), but it failed: ${proposal.reason ?? 'no reason was recorded'}. Nothing of it was carried out.`;
  }
  if (proposal.kind === 'hire' && proposal.hire) {
    return `The human approved your proposal ${proposal.id}: ${proposal.hire.name} (${proposal.hire.title}) has joined, reporting to ${proposal.hire.reports_to}; ${showGiven(proposal.hire.credits)} credits moved from your budget to theirs.`;
  }
  if (proposal.kind === 'retire' && proposal.retire?.credits !== undefined) {
    return `The human approved your proposal ${proposal.id}: ${proposal.retire.name} has left the org; its ${showCredits(proposal.retire.credits)} credits moved to your budget.`;
  }
  if (proposal.kind === 'tool') {
    return `The human approved your proposal ${proposal.id} (${what}); it ran${proposal.result_error ? ' and failed' : ''}. Its result:\n\n${proposal.result ?? '(none)'}`;
  }
  return `The human approved your proposal ${proposal.id} (${what}); it is done.`;
}

/** A decision its proposer has not been told of yet (the next turn tells it). */
function untold(proposal: Proposal, org: Org): boolean {
  return (proposal.status === 'rejected' || proposal.status === 'done' || proposal.status === 'failed') && proposal.told_turn === undefined && org.agents.has(proposal.proposed_by);
}

/** Whether a decision of the human's waits for a turn: an approval to carry out, or a proposer to tell. */
export function hasDecisionsToTakeUp(root: string, org: Org): boolean {
  return listProposals(root).proposals.some((proposal) => proposal.status === 'approved' || untold(proposal, org));
}

/**
 * Notices telling proposers that the human decided, one per decided proposal, in the
 * first turn planned after the decision. The proposal file records the turn it was
 * told in before the plan is journaled: a crash before the plan is journaled tells it
 * again in the same turn (the same notice id), and a committed turn never again.
 */
export function proposalNotices(root: string, org: Org, turn: number): PendingItem[] {
  const notices: PendingItem[] = [];
  for (const proposal of listProposals(root).proposals) {
    // Pending, or approved but not yet carried out (an approval cut short): nothing to tell yet.
    if (proposal.status === 'pending' || proposal.status === 'approved') continue;
    if (proposal.told_turn !== undefined && proposal.told_turn < turn) continue;
    if (!org.agents.has(proposal.proposed_by)) continue;
    if (proposal.told_turn === undefined) saveProposal(root, { ...proposal, told_turn: turn });
    const subject = `Proposal ${proposal.id} ${SUBJECT_WORDS[proposal.status]}`;
    notices.push(makeNotice(turn, proposal.proposed_by, `proposal-${proposal.id}`, 1, subject, noticeBody(proposal)));
  }
  return notices;
}
