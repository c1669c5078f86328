import type { Memory } from './memory-file.js';

/**
 * One list of the rankings a call made, one for each thing its prompt asks it to answer (memory-layer.ts,
 * recallFor: Park et al. retrieve for each focal point): taken in rounds, each ranking's best not yet
 * taken, in the order of the rankings, then each one's next, so that every item's best memory comes
 * before any item's second best, and a long report cannot crowd a short question's memory out of the
 * budget the prompt fills in this order. Each memory once, and each ranking once. Pure.
 */
export function mergeRankings(all: ReadonlyArray<readonly Memory[]>): Memory[] {
  if (all.length === 1) return [...(all[0] ?? [])];
  // A ranking the same as an earlier one (items that share no word with any memory rank by recency and importance alone, all alike;
  // two letters alike) counts once: ten of them would otherwise take ten places of the first round for what no item asked for.
  const rankings = all.filter((ranking, place) => !all.slice(0, place).some((earlier) => sameRanking(earlier, ranking)));
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

function sameRanking(left: readonly Memory[], right: readonly Memory[]): boolean {
  return left.length === right.length && left.every((memory, place) => memory === right[place]);
}
