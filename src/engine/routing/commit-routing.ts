import type { EngineState } from '../record/engine-state.js';
import type { HintChanges } from '../record/outbox-hints.js';
import type { TakenLine } from '../record/taken-files.js';
import type { RoutedTurn } from './route-turn.js';
import { byTurnThenId } from '../record/pending-order.js';

const HUMAN_NOTICES_KEPT = 100;

/** The committed state with what routing added: forwards and escalation notices waiting, the mail still awaiting an answer. Pure. */
export function withRouting(state: EngineState, routed: RoutedTurn): EngineState {
  const next: EngineState = { ...state };
  if (routed.newMail.length > 0) {
    const known = new Set(state.pending.map((item) => `${item.id} ${item.to}`));
    const added = routed.newMail.filter((item) => !known.has(`${item.id} ${item.to}`));
    next.pending = [...state.pending, ...added].sort(byTurnThenId);
  }
  if (routed.humanNotices.length > 0) next.humanNotices = [...state.humanNotices, ...routed.humanNotices].slice(-HUMAN_NOTICES_KEPT);
  if (routed.awaiting.length > 0) next.awaiting = routed.awaiting;
  else delete next.awaiting;
  return next;
}

/** A turn's taken line with the forwards' files: written by the engine, so never new mail for a scan. */
export function withRoutedFiles(taken: Omit<TakenLine, 'turn'>, routed: RoutedTurn): Omit<TakenLine, 'turn'> {
  const files = { ...taken.files };
  for (const [outbox, names] of Object.entries(routed.wrote)) files[outbox] = [...(files[outbox] ?? []), ...names];
  return { ...taken, files };
}

/** The turn's hint changes with routing's: an outbox a forward was written into is listed again next turn. */
export function routedHintChanges(changes: HintChanges, routed: RoutedTurn): HintChanges {
  if (Object.keys(routed.wrote).length === 0) return changes;
  const next = { ...changes };
  for (const outbox of Object.keys(routed.wrote)) next[outbox] = null;
  return next;
}
