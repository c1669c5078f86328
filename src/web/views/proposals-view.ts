import { balancesNow } from '../../engine/money/transfer.js';
import { loadOrgForReading } from '../../org/load-org-once.js';
import { describeProposal } from '../../tools/proposals/proposal.js';
import { listProposals, PROPOSALS_DIRECTORY } from '../../tools/proposals/proposal-store.js';
import type { ProposalEntry, ProposalsView } from '../api-types.js';

export type { ProposalEntry, ProposalsView };

/** The proposals of `org/proposals/`, read as `lemming approvals` reads them. */
export function proposalsView(root: string, decidedLimit = 50): ProposalsView {
  const { proposals, problems } = listProposals(root);
  // Read only when a retirement waits to say what its agent holds now: most lists have none.
  let balances: ((agent: string) => number) | undefined;
  const balanceOf = (agent: string) => (balances ??= balancesNow(loadOrgForReading(root).org))(agent);
  const entries = proposals.map((proposal) => ({ ...proposal, description: describeProposal(proposal, balanceOf), file: `${PROPOSALS_DIRECTORY}/${proposal.id}.md` }));
  return {
    pending: entries.filter((entry) => entry.status === 'pending'),
    decided: entries.filter((entry) => entry.status !== 'pending').reverse().slice(0, decidedLimit),
    problems,
  };
}
