import type { CommandHint } from '../../format/format.js';
import { describeProposal, type Proposal } from '../../tools/proposals/proposal.js';

/**
 * What waits for the person's decision, and how to decide it: each pending proposal, then the
 * exact `lemming approve`/`reject` commands for this org (for the first), as `hint` writes them and the
 * dashboard. `lemming status`, the end of a run and the live screen say the same. Empty when
 * nothing waits. Pure.
 */
export function waitingDecisionLines(pending: readonly Proposal[], hint: CommandHint): string[] {
  const [first] = pending;
  if (first === undefined) return [];
  return [
    `${pending.length === 1 ? '1 proposal waits' : `${pending.length} proposals wait`} for your decision:`,
    ...pending.map((proposal) => `  ${proposal.id}: ${proposal.proposed_by} proposes to ${describeProposal(proposal)}`),
    `  decide: \`${hint(`approve ${first.id}`)}\` or \`${hint(`reject ${first.id} --reason "…"`)}\`, or in the dashboard's Proposals (\`${hint('serve')}\`)`,
  ];
}
