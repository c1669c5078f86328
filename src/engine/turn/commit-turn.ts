import type { EngineState, PendingItem } from '../record/engine-state.js';
import type { AgentOutcome, JournalRecord } from '../record/journal.js';
import type { LedgerSnapshot } from '../record/ledger.js';

type Plan = Extract<JournalRecord, { type: 'plan' }>;

const HUMAN_NOTICES_KEPT = 100;

/** The mail waiting at the start of a planned turn: what was waiting, plus what the scan and the plan added. */
export function workingPending(state: EngineState, plan: Pick<Plan, 'discovered' | 'notices'>): PendingItem[] {
  return [...state.pending, ...plan.discovered.pending, ...plan.notices];
}

function byTurnThenId(left: PendingItem, right: PendingItem): number {
  return left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0);
}

/**
 * The state after a turn: mail that was read is gone, mail that was written waits,
 * cursors and totals move on. Pure, so a turn recovered after a crash commits to
 * exactly the same state as one that never crashed.
 */
export function commitTurn(state: EngineState, plan: Plan, outcomes: AgentOutcome[], ledger: LedgerSnapshot): EngineState {
  const read = new Set(outcomes.flatMap((outcome) => outcome.read));
  const pending = workingPending(state, plan)
    .filter((item) => !read.has(item.id))
    .concat(outcomes.flatMap((outcome) => outcome.newMail));
  const seen = new Set<string>();
  const unique = pending.filter((item) => (seen.has(item.id + item.to) ? false : (seen.add(item.id + item.to), true)));
  unique.sort(byTurnThenId);

  const outboxes = { ...state.outboxes, ...plan.discovered.outboxes };
  const activity = { ...state.activity };
  const errors = { ...state.errors };
  for (const outcome of [...outcomes].sort((left, right) => (left.agent < right.agent ? -1 : 1))) {
    if (outcome.outbox) outboxes[outcome.agent] = outcome.outbox;
    activity[outcome.agent] = { turn: plan.turn, summary: outcome.activity };
    if (outcome.error !== undefined) errors[outcome.agent] = { turn: plan.turn, message: outcome.error };
  }
  const humanNotices = [
    ...state.humanNotices,
    ...plan.discovered.humanNotices,
    ...outcomes.flatMap((outcome) => outcome.humanNotices),
  ].slice(-HUMAN_NOTICES_KEPT);
  return {
    ...state,
    turn: plan.turn,
    outboxes,
    pending: unique,
    activity,
    errors,
    outOfCredits: [...new Set([...plan.outOfCredits, ...outcomes.filter((outcome) => outcome.ranDry).map((outcome) => outcome.agent)])].sort(),
    humanNotices,
    ledger,
  };
}
