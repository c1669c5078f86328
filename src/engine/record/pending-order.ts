import type { PendingItem } from './engine-state.js';

/** The order the state keeps waiting mail in: turn, then id. */
export function byTurnThenId(left: PendingItem, right: PendingItem): number {
  return left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0);
}

/**
 * Two lists in `byTurnThenId` order as one, `older` first where they tie (as a stable sort of
 * `[...older, ...newer]` would give). New mail is of the latest turns, so the walk starts where it
 * goes, found from the end of `older`: the letters before it are copied, never compared.
 */
export function mergeSorted(older: readonly PendingItem[], newer: readonly PendingItem[]): PendingItem[] {
  const first = newer[0];
  if (first === undefined) return [...older];
  let cut = older.length;
  while (cut > 0 && byTurnThenId(older[cut - 1] as PendingItem, first) > 0) cut -= 1;
  const merged = older.slice(0, cut);
  let left = cut;
  let right = 0;
  while (left < older.length && right < newer.length) {
    if (byTurnThenId(older[left] as PendingItem, newer[right] as PendingItem) <= 0) merged.push(older[left++] as PendingItem);
    else merged.push(newer[right++] as PendingItem);
  }
  while (left < older.length) merged.push(older[left++] as PendingItem);
  while (right < newer.length) merged.push(newer[right++] as PendingItem);
  return merged;
}
