import { describeProposal, type Proposal } from '../../tools/proposals/proposal.js';
import { listProposals, PROPOSALS_DIRECTORY } from '../../tools/proposals/proposal-store.js';

/** A proposal as the dashboard lists it: its fields, the line `lemming approvals` prints, and its file. */
export type ProposalEntry = Proposal & { description: string; file: string };

/** `GET /api/proposals`: what waits for the human (oldest first), what was decided (newest first), and unreadable files. */
export interface ProposalsView {
  pending: ProposalEntry[];
  decided: ProposalEntry[];
  /** Files of `org/proposals/` that do not parse, each with what is wrong. */
  problems: string[];
}

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
