/** Seeded draws a measure makes from its data: a sample kept in order, multinomial counts, two random halves. Pure. */
import { seededRandom } from '../random/seeded-random.js';

/** `most` of the items, drawn without replacement from `seed`, kept in their order; all of them when they are few enough. */
export function sampleInOrder<T>(items: readonly T[], most: number, seed: number): T[] {
  if (items.length <= most) return [...items];
  const next = seededRandom(seed);
  const order = items.map((item, index) => ({ item, key: next(), index }));
  order.sort((left, right) => left.key - right.key);
  return order
    .slice(0, most)
    .sort((left, right) => left.index - right.index)
    .map((entry) => entry.item);
}

/** n draws from the distribution `shares` (cumulative search), as counts per option. */
export function drawCounts(shares: readonly number[], n: number, next: () => number): number[] {
  const counts = shares.map(() => 0);
  for (let index = 0; index < n; index += 1) {
    let at = next();
    let option = 0;
    while (option < shares.length - 1 && at >= shares[option]!) {
      at -= shares[option]!;
      option += 1;
    }
    counts[option]! += 1;
  }
  return counts;
}

/** Two random halves of the people behind `counts` (a shuffle of them, cut in the middle), as counts. */
export function splitHalves(counts: readonly number[], next: () => number): [number[], number[]] {
  const people: number[] = [];
  counts.forEach((count, option) => {
    for (let index = 0; index < count; index += 1) people.push(option);
  });
  for (let index = people.length - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [people[index], people[other]] = [people[other]!, people[index]!];
  }
  const first = counts.map(() => 0);
  const second = counts.map(() => 0);
  people.forEach((option, index) => ((index < people.length / 2 ? first : second)[option]! += 1));
  return [first, second];
}
