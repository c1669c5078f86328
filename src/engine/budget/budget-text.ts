import type { EngineEvent } from '../events.js';
import type { BudgetStatus } from '../human/status-types.js';
import { showCredits } from '../../format/format.js';

function ceilingWho(department: string | undefined): string {
  return department === undefined ? 'the org' : `${department}'s department`;
}

/** A `budget-warning` event in words: the run's plain lines and the notifier's title. Pure. */
export function budgetWarningText(event: Extract<EngineEvent, { type: 'budget-warning' }>): string {
  const amounts = `${showCredits(event.spent)} of ${showCredits(event.ceiling)} credits`;
  return event.share >= 1
    ? `${ceilingWho(event.department)} has reached its budget (${amounts}): no new model calls start under it until org.yaml raises it`
    : `${ceilingWho(event.department)} has spent ${Math.round(event.share * 100)} % of its budget (${amounts})`;
}

/** `lemming status`'s lines for the org's and departments' ceilings: spent, ceiling, share, and what it means. Pure. */
export function budgetStatusLines(budget: readonly BudgetStatus[]): string[] {
  return budget.map((ceiling) => {
    const field = ceiling.department === undefined ? 'budget.credits' : `budget.departments.${ceiling.department}.credits`;
    const state =
      ceiling.state === 'stopped'
        ? `reached: no new model calls start${ceiling.department === undefined ? '' : ' in it'}; raise ${field} in org/org.yaml to go on`
        : ceiling.state === 'warned'
          ? 'past a warning'
          : 'under its warnings';
    return `budget of ${ceilingWho(ceiling.department)}: ${showCredits(ceiling.spent)} of ${showCredits(ceiling.ceiling)} credits spent (${Math.round(ceiling.share * 100)} %), ${state}`;
  });
}
