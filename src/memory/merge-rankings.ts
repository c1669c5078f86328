import type { Memory } from './memory-file.js';

/**
 * One list of the rankings a call made, one for each thing its prompt asks it to answer (memory-layer.ts,
 * recallFor: Park et al. retrieve for each focal point): taken in rounds, each ranking's best not yet
 * taken, in the order of the rankings, then each one's next, so that every item's best memory comes
 * before any item's second best, and a long report cannot crowd a short question's memory out of the
 * budget the prompt fills in this order. Each memory once. Pure.
 */
export function mergeRankings(rankings: ReadonlyArray<readonly Memory[]>): Memory[] {
  if (rankings.length === 1) return [...(rankings[0] ?? [])];
  const merged: Memory[] = [];
  const taken = new Set<Memory>();
  const next = rankings.map(() => 0);
  let left = true;
  while (left) {
    left = false;
    rankings.forEach((ranking, item) => {
      let place = next[item] ?? 0;
      while (place < ranking.length && taken.has(ranking[place] as Memory)) place += 1;
      if (place < ranking.length) {
        const memory = ranking[place] as Memory;
        taken.add(memory);
        merged.push(memory);
        place += 1;
      }
      next[item] = place;
      if (place < ranking.length) left = true;
    });
  }
  return merged;
}
