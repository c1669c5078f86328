import { budgetWarningSentence, showCredits } from '../../format/format.js';
import type { EngineEvent } from '../events.js';
import type { EngineState } from '../record/engine-state.js';
import { makeNotice } from '../turn/notices.js';
import type { BudgetState } from './budget-state.js';
import { ceilingField, ceilingName, reached, type CeilingSpending } from './ceiling-spending.js';

/** What the ceilings decided as a turn is planned: the warnings to keep, the events, the human's notices, the ceilings reached. */
export interface BudgetDecision {
  state: BudgetState;
  events: EngineEvent[];
  humanNotices: EngineState['humanNotices'];
  /** Ceilings at 100 %: no new call starts for anyone they hold. */
  stopped: CeilingSpending[];
}

function key(spending: CeilingSpending): string {
  return spending.department === undefined ? 'org' : `department:${spending.department}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/**
 * Tell the human of the warning shares each ceiling has passed, once: the shares a turn passed together
 * (one large call can pass 50 %, 80 % and the ceiling) in one notice and one event, naming the highest
 * of them and the share really spent. A share told is kept with the ceiling it was told against; when
 * org.yaml's ceiling changes, only the shares still passed under the new one stay told (so a raised
 * ceiling warns again as it is approached). A ceiling reached stops new
 * calls under it; raising it (the next turn reads org.yaml) lets them start again. Pure.
 */
export function budgetDecision(spendings: readonly CeilingSpending[], previous: BudgetState, turn: number): BudgetDecision {
  const state: BudgetState = { version: 1, told: { ...previous.told } };
  // A prototype-less record stays one: the spread above made a plain object.
  Object.setPrototypeOf(state.told, null);
  const decision: BudgetDecision = { state, events: [], humanNotices: [], stopped: [] };
  const seen = new Set<string>();
  for (const spending of spendings) {
    const name = key(spending);
    seen.add(name);
    const before = previous.told[name];
    const told = new Set(before === undefined ? [] : before.ceiling === spending.ceiling ? before.shares : before.shares.filter((share) => reached(spending.spent, spending.ceiling, share)));
    // Every share passed since the last turn is told at once, in one notice naming the highest of them.
    const passed = spending.warnAt.filter((share) => !told.has(share) && reached(spending.spent, spending.ceiling, share));
    for (const share of passed) told.add(share);
    const share = passed.at(-1);
    if (share !== undefined) {
      decision.events.push({ type: 'budget-warning', turn, ...(spending.department === undefined ? {} : { department: spending.department }), share, spent: spending.spent, ceiling: spending.ceiling });
      const who = capitalised(ceilingName(spending));
      const amounts = `${showCredits(spending.spent)} of ${showCredits(spending.ceiling)} credits`;
      const atCeiling = share >= 1;
      const said = capitalised(budgetWarningSentence({ ...(spending.department === undefined ? {} : { department: spending.department }), share, spent: spending.spent, ceiling: spending.ceiling }));
      const subject = atCeiling ? `${said}; no new model calls start` : said;
      const body = atCeiling
        ? `${who} has been charged ${amounts} (org/org.yaml ${ceilingField(spending)}). From this turn no new model call starts ${spending.department === undefined ? 'in the org' : 'in it'}: agents with mail are held and their mail waits. ` +
          'Calls already under way when it was reached finished and were charged (they cannot be unspent): spending passes a ceiling by at most the calls of the turn that reached it. ' +
          `Raise ${ceilingField(spending)} in org/org.yaml to go on: the next turn reads it.`
        : `${who} has been charged ${amounts} (org/org.yaml ${ceilingField(spending)}), past ${percent(share)} of it. At the ceiling no new model call starts until it is raised.`;
      const notice = makeNotice(turn, 'human', `budget-${spending.department ?? 'org'}-${Math.round(share * 100)}`, 1, subject, body);
      decision.humanNotices.push({ id: notice.id, turn, subject, body });
    }
    state.told[name] = { ceiling: spending.ceiling, shares: [...told].sort((left, right) => left - right) };
    if (reached(spending.spent, spending.ceiling, 1)) decision.stopped.push(spending);
  }
  // A ceiling taken out of org.yaml is forgotten: put back, it warns afresh.
  for (const name of Object.keys(state.told)) if (!seen.has(name)) delete state.told[name];
  return decision;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
