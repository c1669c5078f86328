import { conservationProblems } from '../../src/engine/money/conservation.js';
import { addEntries, balanceOf, emptySnapshot } from '../../src/engine/money/ledger.js';
import type { Org } from '../../src/org/org.js';
import { listProposals } from '../../src/tools/proposals/proposal-store.js';
import type { OrgRecord } from './org-record.js';

/**
 * Money is conserved (engine/money/conservation.ts), with the budgets of every agent the org has
 * had, the hires its proposals carried out, and each balance as lemming's own code derives it.
 */
export function moneyViolations(record: OrgRecord, org: Org): string[] {
  const budgets = new Map(record.retiredBudgets);
  for (const agent of org.agents.values()) if (!agent.isHuman) budgets.set(agent.name, agent.credits);
  const hires = new Map<string, { agent: string; credits: number }>();
  for (const proposal of listProposals(record.root).proposals) {
    if (proposal.kind === 'hire' && proposal.status === 'done' && proposal.hire) hires.set(proposal.id, { agent: proposal.hire.name, credits: proposal.hire.credits });
  }
  const totals = addEntries(emptySnapshot(), record.ledger, 0).totals;
  const balances = new Map<string, number>();
  for (const agent of org.agents.values()) if (!agent.isHuman) balances.set(agent.name, balanceOf(agent.credits, totals[agent.name]));
  return conservationProblems({ budgets, entries: record.ledger, hires, balances });
}
