import { balancesNow } from '../../engine/money/transfer.js';
import { loadOrgForReading } from '../../org/load-org-once.js';
import { withApprovalNotes } from '../../engine/human/check-proposal.js';
import { decisionLine } from '../../tools/proposals/proposal.js';
import type { Org } from '../../org/org.js';
import { listProposals, PROPOSALS_DIRECTORY } from '../../tools/proposals/proposal-store.js';
import type { ProposalEntry, ProposalsView } from '../api-types.js';

export type { ProposalEntry, ProposalsView };

/** The proposals of `org/proposals/`, read as `lemming approvals` reads them. */
export function proposalsView(root: string, decidedLimit = 50): ProposalsView {
  const { proposals, problems } = listProposals(root);
  // Read only when a proposal waits (to check it on the org it would make) or a retirement says what its agent holds now.
  let org: Org | undefined;
  const orgNow = (): Org => (org ??= loadOrgForReading(root).org);
  let balances: ((agent: string) => number) | undefined;
  const balanceOf = (agent: string) => (balances ??= balancesNow(orgNow()))(agent);
  const entries = withApprovalNotes(proposals, orgNow).map((proposal) => ({ ...proposal, description: decisionLine(proposal, balanceOf), file: `${PROPOSALS_DIRECTORY}/${proposal.id}.md` }));
  return {
    pending: entries.filter((entry) => entry.status === 'pending'),
    decided: entries.filter((entry) => entry.status !== 'pending').reverse().slice(0, decidedLimit),
    problems,
  };
}
