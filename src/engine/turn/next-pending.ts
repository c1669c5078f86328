import type { EngineState, PendingItem } from '../record/engine-state.js';
import type { AgentOutcome, JournalRecord } from '../record/journal.js';
import { keepPendingIndex, takePendingIndex } from '../record/pending-index.js';
import { byTurnThenId, mergeSorted } from '../record/pending-order.js';

type Plan = Extract<JournalRecord, { type: 'plan' }>;

/**
 * The waiting mail after a turn: what each agent read is gone (an agent reads its own copy: a
 * message to several waits for each reader until that reader reads it), mail taken back from agents
 * that left is gone, what the turn wrote waits; one item per id and recipient, in turn then id order.
 * Pure. The work follows the agents the turn touched: the letters of the others are neither looked at
 * nor sorted (a copy of the list is all; its index by recipient, record/pending-index.ts, is handed on).
 */
export function nextPending(state: Pick<EngineState, 'pending'>, plan: Pick<Plan, 'discovered' | 'notices' | 'returned'>, outcomes: readonly AgentOutcome[]): PendingItem[] {
  const readBy = new Map<string, Set<string>>();
  for (const outcome of outcomes) {
    if (outcome.read.length === 0) continue;
    const ids = readBy.get(outcome.agent) ?? new Set<string>();
    for (const id of outcome.read) ids.add(id);
    readBy.set(outcome.agent, ids);
  }
  const returned = new Set(plan.returned ?? []);
  const gone = (item: PendingItem): boolean => returned.has(item.id) || readBy.get(item.to)?.has(item.id) === true;
  // What the turn's agents wrote waits whatever they read: it is mail of this turn, after their reading.
  const written = outcomes.flatMap((outcome) => outcome.newMail);
  // Mail taken back from agents that left goes by id wherever it waits: rare, so the whole list is gone through.
  if (returned.size > 0) return everyLetter([...state.pending, ...plan.discovered.pending, ...plan.notices].filter((item) => !gone(item)), written);
  const added = [...plan.discovered.pending, ...plan.notices].filter((item) => !gone(item)).concat(written);

  // Changed in place into the next list's index, each agent's entry read before it is replaced.
  const before = takePendingIndex(state.pending);
  const removed = new Set<PendingItem>();
  const touched = new Set<string>();
  for (const [agent, ids] of readBy) {
    for (const item of before.get(agent) ?? []) {
      if (!ids.has(item.id)) continue;
      removed.add(item);
      touched.add(agent);
    }
  }
  const waitingIds = new Map<string, Set<string>>();
  const idsWaitingFor = (agent: string): Set<string> => {
    let ids = waitingIds.get(agent);
    if (!ids) {
      ids = new Set((before.get(agent) ?? []).flatMap((item) => (removed.has(item) ? [] : [item.id])));
      waitingIds.set(agent, ids);
    }
    return ids;
  };
  const fresh: PendingItem[] = [];
  for (const item of added) {
    const ids = idsWaitingFor(item.to);
    if (ids.has(item.id)) continue;
    ids.add(item.id);
    fresh.push(item);
    touched.add(item.to);
  }
  fresh.sort(byTurnThenId);
  const kept = removed.size === 0 ? state.pending : state.pending.filter((item) => !removed.has(item));
  const next = mergeSorted(kept, fresh);

  const index = before;
  const freshFor = new Map<string, PendingItem[]>();
  for (const item of fresh) {
    const list = freshFor.get(item.to);
    if (list) list.push(item);
    else freshFor.set(item.to, [item]);
  }
  for (const agent of touched) {
    const list = mergeSorted((before.get(agent) ?? []).filter((item) => !removed.has(item)), freshFor.get(agent) ?? []);
    if (list.length === 0) index.delete(agent);
    else index.set(agent, list);
  }
  keepPendingIndex(next, index);
  return next;
}

/** The waiting mail after a turn, from every letter: one per id and recipient, sorted. */
function everyLetter(kept: readonly PendingItem[], written: readonly PendingItem[]): PendingItem[] {
  const seen = new Set<string>();
  return [...kept, ...written]
    .filter((item) => (seen.has(`${item.id}\n${item.to}`) ? false : (seen.add(`${item.id}\n${item.to}`), true)))
    .sort(byTurnThenId);
}
