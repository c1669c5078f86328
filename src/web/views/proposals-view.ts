import { describeProposal } from '../../tools/proposals/proposal.js';
import { listProposals, PROPOSALS_DIRECTORY } from '../../tools/proposals/proposal-store.js';
import type { ProposalEntry, ProposalsView } from '../api-types.js';

export type { ProposalEntry, ProposalsView };

/** The proposals of `org/proposals/`, read as `lemming approvals` reads them. */
export function proposalsView(root: string, decidedLimit = 50): ProposalsView {
  const { proposals, problems } = listProposals(root);
  const entries = proposals.map((proposal) => ({ ...proposal, description: describeProposal(proposal), file: `${PROPOSALS_DIRECTORY}/${proposal.id}.md` }));
  return {
    pending: entries.filter((entry) => entry.status === 'pending'),
    decided: entries.filter((entry) => entry.status !== 'pending').reverse().slice(0, decidedLimit),
    problems,
  };
}
