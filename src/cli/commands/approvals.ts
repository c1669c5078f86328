import { approve, reject } from '../../library/human-actions.js';
import { balancesNow } from '../../engine/money/transfer.js';
import { loadOrgForReading } from '../../org/load-org-once.js';
import { withApprovalNotes } from '../../engine/human/check-proposal.js';
import { decisionLine } from '../../tools/proposals/proposal.js';
import type { Org } from '../../org/org.js';
import { listProposals } from '../../tools/proposals/proposal-store.js';
import type { Output } from '../cli-context.js';

/** `lemming approvals`: what waits for the human's decision (with --all, everything decided too). */
export function approvalsCommand(root: string, options: { all?: boolean; json?: boolean }, output: Output): number {
  const { proposals, problems } = listProposals(root);
  const shown = options.all ? proposals : proposals.filter((proposal) => proposal.status === 'pending');
  for (const problem of problems) output.err(`lemming: ${problem}`);
  // Read only when a proposal waits (to check it on the org it would make) or a retirement says what its agent holds now.
  let org: Org | undefined;
  const orgNow = (): Org => (org ??= loadOrgForReading(root).org);
  const noted = withApprovalNotes(shown, orgNow);
  if (options.json) {
    output.out(JSON.stringify(noted));
    return 0;
  }
  if (shown.length === 0) {
    output.out(options.all ? 'no proposals yet' : 'nothing waits for your approval');
    return 0;
  }
  let balances: ((agent: string) => number) | undefined;
  const balanceOf = (agent: string) => (balances ??= balancesNow(orgNow()))(agent);
  for (const proposal of noted) {
    const status = options.all ? ` [${proposal.status}]` : '';
    output.out(`${proposal.id}${status}  ${proposal.proposed_by} proposes to ${decisionLine(proposal, balanceOf)}  (org/proposals/${proposal.id}.md)`);
  }
  if (!options.all) output.out('decide with `lemming approve <id>` or `lemming reject <id> --reason "…"`');
  return 0;
}

/** `lemming approve <id>` and `lemming reject <id> [--reason]`. */
export async function decideCommand(root: string, id: string, verdict: 'approve' | 'reject', reason: string | undefined, output: Output): Promise<number> {
  const decision = verdict === 'approve' ? await approve(root, id) : await reject(root, id, reason);
  // An approval that could not be carried out (marked failed, with the reason) is a failure to the shell.
  if (verdict === 'approve' && decision.proposal.status === 'failed') {
    output.err(`lemming: ${decision.summary}`);
    return 1;
  }
  output.out(decision.summary);
  return 0;
}
