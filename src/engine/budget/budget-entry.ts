import type { Org } from '../../org/org.js';
import type { AgentTotals, LedgerSnapshot } from '../money/ledger.js';
import type { BudgetHold } from './hold-by-budget.js';

type Budget = typeof import('./hold-by-budget.js');

let loaded: Budget | undefined;

/**
 * The ceilings' code, imported the first time an org with `budget:` plans a turn (or starts a run): an
 * org without one loads none of it. The engine imports it before a run's first look for work, so the
 * synchronous questions below have it whenever the org has a budget.
 */
export async function importBudget(): Promise<Budget> {
  return (loaded ??= await import('./hold-by-budget.js'));
}

/** holdByBudget for an org with a budget; the calls untouched without one. */
export async function budgetHold<Call extends { agent: string }>(org: Org, turn: number, ledger: LedgerSnapshot, calls: Call[]): Promise<BudgetHold<Call>> {
  if (!org.budget) return { calls, events: [], humanNotices: [], save: () => undefined };
  return (await importBudget()).holdByBudget(org, turn, ledger, calls);
}

/** budgetHeldForNextTurn once the ceilings' code is loaded; nobody before (the next plan holds them). */
export function budgetHeld(org: Org, totals: Readonly<Record<string, AgentTotals>>): (agent: string) => boolean {
  return org.budget && loaded ? loaded.budgetHeldForNextTurn(org, totals) : () => false;
}

/** budgetHolder once the ceilings' code is loaded (the plan loads it for an org with `budget:`); nobody before. */
export function budgetHolding(org: Org, totals: Readonly<Record<string, AgentTotals>>): (agent: string) => string | undefined {
  return org.budget && loaded ? loaded.budgetHolder(org, totals) : () => undefined;
}

/** budgetUntold once the ceilings' code is loaded; false before. */
export function budgetToTell(org: Org, totals: Readonly<Record<string, AgentTotals>>): boolean {
  return org.budget !== undefined && loaded !== undefined && loaded.budgetUntold(org, totals);
}
