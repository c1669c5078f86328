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
export function nextPending(state: Pick<EngineState, 'pending'>, plan: Pick<Plan, 'discovered' | 'notices' | 'returned' | 'unreadable'>, outcomes: readonly AgentOutcome[]): PendingItem[] {
  // What each agent read: its outcome's own list (an agent has one outcome a turn), joined when it has several; and the mail
  // of an agent not called because none of it could be read, gone from its list as if read.
  const readBy = new Map<string, readonly string[]>();
  const markRead = (agent: string, ids: readonly string[]): void => {
    if (ids.length === 0) return;
    const had = readBy.get(agent);
    readBy.set(agent, had === undefined ? ids : [...had, ...ids]);
  };
  for (const outcome of outcomes) markRead(outcome.agent, outcome.read);
  for (const [agent, ids] of Object.entries(plan.unreadable ?? {})) markRead(agent, ids);
  const readSets = new Map<readonly string[], Set<string>>();
  const read = (item: PendingItem): boolean => {
    const ids = readBy.get(item.to);
    return ids !== undefined && holds(ids, item.id, readSets);
  };
  const returned = new Set(plan.returned ?? []);
  const gone = (item: PendingItem): boolean => returned.has(item.id) || read(item);
  // What the turn's agents wrote waits whatever they read: it is mail of this turn, after their reading.
  const written = outcomes.flatMap((outcome) => outcome.newMail);
  // Mail taken back from agents that left goes by id wherever it waits: rare, so the whole list is gone through.
  if (returned.size > 0) return everyLetter([...state.pending, ...plan.discovered.pending, ...plan.notices].filter((item) => !gone(item)), written);
  const found = [...plan.discovered.pending, ...plan.notices];
  const added = found.length === 0 ? written : found.filter((item) => !gone(item)).concat(written);

  // Changed in place into the next list's index, each agent's entry read before it is replaced. An item
  // of the list is read exactly when it waits in its reader's entry (the index is the list's, by recipient).
  const before = takePendingIndex(state.pending);
  /** The letters still waiting for an agent after its reading: its entry itself when it read none of them. */
  const remaining = new Map<string, readonly PendingItem[]>();
  const remainingFor = (agent: string): readonly PendingItem[] => {
    let list = remaining.get(agent);
    if (list === undefined) {
      const entry = before.get(agent) ?? [];
      list = readBy.has(agent) && entry.some(read) ? entry.filter((item) => !read(item)) : entry;
      remaining.set(agent, list);
    }
    return list;
  };
  const touched = new Set<string>();
  // The letters read, by identity: the whole list is then filtered without a field of any other letter read (a turn drawn at
  // 10 % looks at the letters of the agents it draws, tests/perf/activation-work.test.ts).
  const removed = new Set<PendingItem>();
  for (const agent of readBy.keys()) {
    const left = remainingFor(agent);
    const entry = before.get(agent);
    if (entry === undefined || left === entry) continue;
    for (const item of entry) if (read(item)) removed.add(item);
    touched.add(agent);
  }
  // One item per id and reader: a letter already waiting for its reader, or added twice, is added once.
  // Its reader's letters are looked through while few (most readers get one), by a set of their ids once many.
  const freshFor = new Map<string, PendingItem[]>();
  const idsOf = new Map<string, Set<string>>();
  const fresh: PendingItem[] = [];
  for (const item of added) {
    const left = remainingFor(item.to);
    const mine = freshFor.get(item.to);
    let ids = idsOf.get(item.to);
    if (ids === undefined && left.length + (mine?.length ?? 0) > SCANNED_IDS) idsOf.set(item.to, (ids = new Set([...left, ...(mine ?? [])].map((letter) => letter.id))));
    if (ids !== undefined ? ids.has(item.id) : hasLetter(left, item.id) || (mine !== undefined && hasLetter(mine, item.id))) continue;
    ids?.add(item.id);
    if (mine === undefined) freshFor.set(item.to, [item]);
    else mine.push(item);
    fresh.push(item);
    touched.add(item.to);
  }
  fresh.sort(byTurnThenId);
  const kept = removed.size === 0 ? state.pending : state.pending.filter((item) => !removed.has(item));
  const next = mergeSorted(kept, fresh);

  const index = before;
  for (const agent of touched) {
    const left = remainingFor(agent);
    // Sorted as the whole list is (a stable sort of an agent's letters keeps their order in `fresh`).
    const mine = freshFor.get(agent)?.sort(byTurnThenId);
    const list = mine === undefined ? left : left.length === 0 ? mine : mergeSorted(left, mine);
    if (list.length === 0) index.delete(agent);
    else index.set(agent, list);
  }
  keepPendingIndex(next, index);
  return next;
}

/** Past this many ids a list is looked up by a set, made once for it. */
const SCANNED_IDS = 16;

/** Whether `ids` holds `id`: a scan of a short list (most readers read one letter), a set for a long one (kept in `sets` for the call). */
function holds(ids: readonly string[], id: string, sets: Map<readonly string[], Set<string>>): boolean {
  if (ids.length <= SCANNED_IDS) return ids.includes(id);
  let set = sets.get(ids);
  if (set === undefined) sets.set(ids, (set = new Set(ids)));
  return set.has(id);
}

/** Whether a letter of `id` is in `letters`. */
function hasLetter(letters: readonly PendingItem[], id: string): boolean {
  for (const letter of letters) if (letter.id === id) return true;
  return false;
}

/** The waiting mail after a turn, from every letter: one per id and recipient, sorted. */
function everyLetter(kept: readonly PendingItem[], written: readonly PendingItem[]): PendingItem[] {
  const seen = new Set<string>();
  return [...kept, ...written]
    .filter((item) => (seen.has(`${item.id}\n${item.to}`) ? false : (seen.add(`${item.id}\n${item.to}`), true)))
    .sort(byTurnThenId);
}
