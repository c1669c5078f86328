import type { OrgBudget } from '../../org/budget-schema.js';
import type { Agent } from '../../org/org.js';
import type { AgentTotals } from '../money/ledger.js';

/** One ceiling of org.yaml `budget:` with what has been spent against it. */
export interface CeilingSpending {
  /** The department's lead; absent: the whole org. */
  department?: string;
  ceiling: number;
  /** Credits charged in the ledger to the agents under this ceiling (all agents, for the org, those gone included). */
  spent: number;
  /** Shares of the ceiling at which the human is told, ascending, 1 last. */
  warnAt: readonly number[];
  /** Who the ceiling holds at 100 %: absent for the org (everyone). */
  members?: ReadonlySet<string>;
}

/** How an org or department stands against its ceiling: below every warning, past one, or at the ceiling. */
export type CeilingState = 'ok' | 'warned' | 'stopped';

/** A trillionth of a credit: sums of decimals leave dust, which must not keep a ceiling from being reached. */
const DUST = 1e-12;

/** Whether `spent` has reached `share` of `ceiling`. */
export function reached(spent: number, ceiling: number, share: number): boolean {
  return spent + DUST >= ceiling * share;
}

/** Where a ceiling stands. Pure. */
export function ceilingState(spending: Pick<CeilingSpending, 'spent' | 'ceiling' | 'warnAt'>): CeilingState {
  if (reached(spending.spent, spending.ceiling, 1)) return 'stopped';
  return spending.warnAt.some((share) => share < 1 && reached(spending.spent, spending.ceiling, share)) ? 'warned' : 'ok';
}

/**
 * A department: its lead and every agent whose `reports_to` chain reaches the lead (at any depth; a
 * chain that loops is followed once). Pure.
 */
export function departmentMembers(lead: string, agents: ReadonlyMap<string, Pick<Agent, 'reportsTo'>>): Set<string> {
  const members = new Set<string>([lead]);
  for (const name of agents.keys()) {
    const seen = new Set<string>();
    for (let current: string | null | undefined = name; current && !seen.has(current); current = agents.get(current)?.reportsTo) {
      seen.add(current);
      if (current === lead) {
        members.add(name);
        break;
      }
    }
  }
  return members;
}

/**
 * Each ceiling of `budget` with what the ledger's totals say was spent against it: the one home of
 * spending is the ledger (charges summed into `totals` by ledger.ts); nothing here counts on its own.
 * Pure.
 */
export function ceilingSpending(budget: OrgBudget, agents: ReadonlyMap<string, Pick<Agent, 'reportsTo'>>, totals: Readonly<Record<string, AgentTotals>>): CeilingSpending[] {
  const spentBy = (names: Iterable<string>): number => {
    let nano = 0;
    for (const name of names) nano += Math.round((totals[name]?.spent ?? 0) * 1e9);
    return nano / 1e9;
  };
  const found: CeilingSpending[] = [];
  if (budget.credits !== undefined) found.push({ ceiling: budget.credits, spent: spentBy(Object.keys(totals)), warnAt: budget.warn_at });
  for (const [lead, department] of Object.entries(budget.departments ?? {})) {
    const members = departmentMembers(lead, agents);
    found.push({ department: lead, ceiling: department.credits, spent: spentBy(members), warnAt: department.warn_at ?? budget.warn_at, members });
  }
  return found;
}

/** Whether a ceiling at 100 % holds `agent`. */
export function holds(spending: CeilingSpending, agent: string): boolean {
  return reached(spending.spent, spending.ceiling, 1) && (spending.members === undefined || spending.members.has(agent));
}

/** How a ceiling is named to people: `the org` or `planner's department`. */
export function ceilingName(spending: Pick<CeilingSpending, 'department'>): string {
  return spending.department === undefined ? 'the org' : `${spending.department}'s department`;
}

/** Where in org.yaml a ceiling is set. */
export function ceilingField(spending: Pick<CeilingSpending, 'department'>): string {
  return spending.department === undefined ? 'budget.credits' : `budget.departments.${spending.department}.credits`;
}
