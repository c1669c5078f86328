import { nameRecord } from '../../org/names.js';
import type { EngineState } from '../record/engine-state.js';
import type { AgentOutcome, JournalRecord } from '../record/journal.js';
import type { LedgerSnapshot } from '../money/ledger.js';
import type { HintChanges } from '../record/outbox-hints.js';
import type { TakenLine } from '../record/taken-files.js';
import { nextPending } from './next-pending.js';
import { countRefusal } from '../refusal-causes.js';
import { HOLD_CAUSES, noRefusals, type HoldCause } from '../../format/mail-outcomes.js';

type Plan = Extract<JournalRecord, { type: 'plan' }>;

const HUMAN_NOTICES_KEPT = 100;

/**
 * The state after a turn: mail that was read is gone, mail that was written waits,
 * cursors and totals move on. Pure, so a turn recovered after a crash commits to
 * exactly the same state as one that never crashed.
 */
export function commitTurn(state: EngineState, plan: Plan, outcomes: AgentOutcome[], ledger: LedgerSnapshot): EngineState {
  const unique = nextPending(state, plan, outcomes);

  // Copied with Object.assign, not spread: a fresh process's state comes from engine.json, and its
  // cold code spread 1,000 agents' activity one new hidden class per key, in some 20 ms against 1 to 2
  // (as the ledger's totals, money/ledger.ts). Agent names are the keys, so no key is `__proto__`.
  const activity = Object.assign({}, state.activity);
  const errors = Object.assign({}, state.errors);
  for (const outcome of [...outcomes].sort((left, right) => (left.agent < right.agent ? -1 : 1))) {
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
    members: plan.discovered.joined.length === 0 ? state.members : [...new Set([...state.members, ...plan.discovered.joined])].sort(),
    pending: unique,
    activity,
    errors,
    outOfCredits: [...new Set([...plan.outOfCredits, ...outcomes.filter((outcome) => outcome.ranDry).map((outcome) => outcome.agent)])].sort(),
    humanNotices,
    ledger,
  };
}

/**
 * The outbox files taken in by a turn, by outbox: those its scan found and those its agents
 * wrote, and of them the ones not delivered: the scan's refusals and skips, unless an agent
 * then wrote that name itself (a file skipped as named for this turn, replaced by the engine's).
 */
export function takenInTurn(plan: Pick<Plan, 'discovered' | 'events' | 'notDrawn' | 'draws'>, outcomes: readonly AgentOutcome[]): Omit<TakenLine, 'turn'> {
  const files = nameRecord<string[]>();
  const undelivered = nameRecord<string[]>();
  for (const [outbox, names] of Object.entries(plan.discovered.taken)) files[outbox] = [...names];
  for (const [outbox, names] of Object.entries(plan.discovered.undelivered ?? {})) undelivered[outbox] = [...names];
  for (const outcome of outcomes) {
    if (!outcome.wrote || outcome.wrote.length === 0) continue;
    const found = files[outcome.agent];
    files[outcome.agent] = found === undefined ? [...outcome.wrote] : [...found, ...outcome.wrote];
    // Only an outbox whose scan left files undelivered asks which of them the agent wrote again (most turns: none).
    const left = undelivered[outcome.agent];
    if (left) {
      const written = new Set(outcome.wrote);
      undelivered[outcome.agent] = left.filter((name) => !written.has(name));
    }
  }
  return { files, undelivered, ...heldInTurn(plan) };
}

/** The agents with work a turn's plan held back, by cause, and activation's draws by rule: the turn's line of taken.jsonl says them. Pure. */
function heldInTurn(plan: Pick<Plan, 'events' | 'notDrawn' | 'draws'>): Pick<TakenLine, 'held' | 'draws'> {
  const counts = noRefusals();
  for (const event of plan.events) if (event.type === 'agent-skipped') countRefusal(counts, event);
  counts.activation += plan.notDrawn ?? 0;
  const held: Partial<Record<HoldCause, number>> = {};
  for (const cause of HOLD_CAUSES) if (counts[cause] > 0) held[cause] = counts[cause];
  return { ...(Object.keys(held).length > 0 ? { held } : {}), ...(plan.draws && plan.draws.length > 0 ? { draws: plan.draws } : {}) };
}

/**
 * What a turn changes in the outbox hints: what its scan listed, then what its agents' own writes
 * left. Only the outboxes it listed or wrote into: the engine applies these to its hints once the
 * turn has committed (OutboxHintStore.apply, record/outbox-hints.ts).
 */
export function hintChangesOfTurn(plan: Pick<Plan, 'discovered'>, outcomes: readonly AgentOutcome[]): HintChanges {
  const changes: HintChanges = nameRecord(plan.discovered.hints);
  for (const outcome of outcomes) if (outcome.hint !== undefined) changes[outcome.agent] = outcome.hint;
  return changes;
}
