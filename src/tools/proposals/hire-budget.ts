import { listProposals } from './proposal-store.js';

/**
 * Credits an agent has promised to hires that wait for the human (pending, or approved and not
 * yet carried out): a proposal reserves its budget, so the same credits cannot be promised twice.
 * The money moves, checked again, only when the human approves (engine/money/transfer.ts).
 */
export function promisedToHires(root: string, proposer: string): number {
  let promised = 0;
  for (const proposal of listProposals(root).proposals) {
    if (proposal.kind !== 'hire' || proposal.proposed_by !== proposer) continue;
    if (proposal.status !== 'pending' && proposal.status !== 'approved') continue;
    const credits = proposal.hire?.credits;
    if (typeof credits === 'number' && Number.isFinite(credits) && credits > 0) promised += credits;
  }
  return Math.round(promised * 1e9) / 1e9;
}
