import type { Org } from '../../org/org.js';
import type { EngineEvent } from '../events.js';
import { balanceOf, type AgentTotals, type LedgerSnapshot } from '../money/ledger.js';
import type { EngineState } from '../record/engine-state.js';
import { statePaths } from '../record/state-paths.js';
import { budgetDecision } from './budget-decision.js';
import { readBudgetState, writeBudgetState } from './budget-state.js';
import { ceilingName, ceilingSpending, holds, reached } from './ceiling-spending.js';

/** The ceilings' part of a turn's plan: the calls left, what to log and tell, and `save` once the plan is journaled. */
export interface BudgetHold<Call> {
  calls: Call[];
  events: EngineEvent[];
  humanNotices: EngineState['humanNotices'];
  save(): void;
}

/**
 * Apply org.yaml `budget:` to a turn being planned: warn the human of each share passed (once), and
 * take out of the calls every agent a ceiling at 100 % holds, its mail left waiting, as an agent out of
 * credits is. Spending is the ledger's totals as the turn is planned: calls already made are in it,
 * so the calls of this turn all start under the ceilings or none does. Off (nothing read) without `budget:`.
 */
export function holdByBudget<Call extends { agent: string }>(org: Org, turn: number, ledger: LedgerSnapshot, calls: Call[]): BudgetHold<Call> {
  if (!org.budget) return { calls, events: [], humanNotices: [], save: () => undefined };
  const path = statePaths(org.root).budget;
  const previous = readBudgetState(path);
  const decision = budgetDecision(ceilingSpending(org.budget, org.agents, ledger.totals), previous, turn);
  const events = [...decision.events];
  const kept: Call[] = [];
  for (const call of calls) {
    const ceiling = decision.stopped.find((spending) => holds(spending, call.agent));
    if (!ceiling) {
      kept.push(call);
      continue;
    }
    events.push({ type: 'agent-skipped', turn, agent: call.agent, reason: 'budget', balance: balanceOf(org.agents.get(call.agent)?.credits ?? 0, ledger.totals[call.agent]), budget: ceilingName(ceiling) });
  }
  const changed = JSON.stringify(decision.state) !== JSON.stringify(previous);
  return { calls: kept, events, humanNotices: decision.humanNotices, save: () => (changed ? writeBudgetState(path, decision.state) : undefined) };
}

/**
 * Whether a ceiling has passed a share the human has not been told of yet: one more turn tells them
 * (a run whose last calls reached the ceiling must not end before it says so). Off: none.
 */
export function budgetUntold(org: Org, totals: Readonly<Record<string, AgentTotals>>): boolean {
  if (!org.budget) return false;
  const previous = readBudgetState(statePaths(org.root).budget);
  // The decision a turn would make, kept nowhere: it tells of something new only if a share is untold.
  return budgetDecision(ceilingSpending(org.budget, org.agents, totals), previous, 0).humanNotices.length > 0;
}

/**
 * Whether a ceiling at 100 % holds an agent for the next turn: its mail is no work, so a run with only
 * such mail left ends idle (and a raised ceiling, read with the org, makes it work again). Off: nobody.
 */
export function budgetHeldForNextTurn(org: Org, totals: Readonly<Record<string, AgentTotals>>): (agent: string) => boolean {
  const holder = budgetHolder(org, totals);
  return (agent) => holder(agent) !== undefined;
}

/**
 * The ceiling at 100 % that holds an agent, by name (`the org`, `planner's department`), by the rule
 * the plan holds calls by; undefined: none does. A meeting asks it before each speech (turn/hold-meetings.ts).
 */
export function budgetHolder(org: Org, totals: Readonly<Record<string, AgentTotals>>): (agent: string) => string | undefined {
  if (!org.budget) return () => undefined;
  const stopped = ceilingSpending(org.budget, org.agents, totals).filter((spending) => reached(spending.spent, spending.ceiling, 1));
  if (stopped.length === 0) return () => undefined;
  return (agent) => {
    const ceiling = stopped.find((spending) => holds(spending, agent));
    return ceiling ? ceilingName(ceiling) : undefined;
  };
}
