import { describeProposal, type Proposal } from '../../tools/proposals/proposal.js';

/** A word of a command line as a shell takes it: quoted only when it must be. Pure. */
function shellWord(word: string): string {
  return /^[\w/.,:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * What waits for the person's decision, and how to decide it: each pending proposal, then the
 * exact `lemming approve`/`reject` commands for this org (for the first, with `--root`) and the
 * dashboard. `lemming status`, the end of a run and the live screen say the same. Empty when
 * nothing waits. Pure.
 */
export function waitingDecisionLines(pending: readonly Proposal[], root: string): string[] {
  const [first] = pending;
  if (first === undefined) return [];
  const where = `--root ${shellWord(root)}`;
  return [
    `${pending.length === 1 ? '1 proposal waits' : `${pending.length} proposals wait`} for your decision:`,
    ...pending.map((proposal) => `  ${proposal.id}: ${proposal.proposed_by} proposes to ${describeProposal(proposal)}`),
    `  decide: \`lemming approve ${first.id} ${where}\` or \`lemming reject ${first.id} --reason "…" ${where}\`, or in the dashboard's Proposals (\`lemming serve ${where}\`)`,
  ];
}
