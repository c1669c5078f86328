import type { Org } from '../../org/org.js';
import type { BudgetStatus } from '../human/status-types.js';
import type { AgentTotals } from '../money/ledger.js';
import { ceilingSpending, ceilingState } from './ceiling-spending.js';

/** The org's ceilings for `status`, the dashboard and the API, from the ledger's totals; undefined without `budget:`. Pure. */
export function budgetStatus(org: Pick<Org, 'budget' | 'agents'>, totals: Readonly<Record<string, AgentTotals>>): BudgetStatus[] | undefined {
  if (!org.budget) return undefined;
  return ceilingSpending(org.budget, org.agents, totals).map((spending) => ({
    ...(spending.department === undefined ? {} : { department: spending.department }),
    spent: spending.spent,
    ceiling: spending.ceiling,
    share: Math.round((spending.spent / spending.ceiling) * 1e6) / 1e6,
    state: ceilingState(spending),
    warnAt: [...spending.warnAt],
  }));
}
