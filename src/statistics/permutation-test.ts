/**
 * A two-sided permutation test of a difference of means, exact when the relabellings are few, seeded
 * Monte Carlo otherwise. The values are the units of repetition (runs, not rows inside one). Pure.
 */
import { seededRandom } from '../random/seeded-random.js';
import { choose } from './proportions.js';
import { mean } from './summary.js';

/** A permutation test enumerates every relabelling up to this many; past it, draws this many at random. */
export const PERMUTATIONS = 20_000;

/** Every way of picking k of 0..n−1, in lexicographic order. */
function* subsets(n: number, k: number): Generator<number[]> {
  const picked = Array.from({ length: k }, (_, index) => index);
  for (;;) {
    yield picked;
    let at = k - 1;
    while (at >= 0 && picked[at] === n - k + at) at -= 1;
    if (at < 0) return;
    picked[at] = (picked[at] ?? 0) + 1;
    for (let index = at + 1; index < k; index += 1) picked[index] = (picked[index - 1] ?? 0) + 1;
  }
}

/**
 * Two-sided permutation test of mean(b) − mean(a): the share of relabellings of the pooled values
 * whose |difference| is at least the observed one (within 1e-9). Exact when there are at most
 * PERMUTATIONS relabellings (the observed one among them); else PERMUTATIONS seeded shuffles, with
 * the observed one counted in: (hits + 1) / (PERMUTATIONS + 1).
 */
export function permutationTest(a: readonly number[], b: readonly number[], seed: number): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const pooled = [...a, ...b];
  const total = pooled.reduce((sum, value) => sum + value, 0);
  const observed = Math.abs(mean(b) - mean(a));
  const differenceOf = (sumA: number): number => Math.abs((total - sumA) / b.length - sumA / a.length);
  const relabellings = choose(pooled.length, a.length);
  let hits = 0;
  if (relabellings <= PERMUTATIONS) {
    for (const picked of subsets(pooled.length, a.length)) {
      const sumA = picked.reduce((sum, index) => sum + (pooled[index] ?? 0), 0);
      if (differenceOf(sumA) >= observed - 1e-9) hits += 1;
    }
    return hits / relabellings;
  }
  const next = seededRandom(seed);
  const shuffled = [...pooled];
  for (let round = 0; round < PERMUTATIONS; round += 1) {
    for (let index = shuffled.length - 1; index > 0; index -= 1) {
      const other = Math.floor(next() * (index + 1));
      [shuffled[index], shuffled[other]] = [shuffled[other] ?? 0, shuffled[index] ?? 0];
    }
    const sumA = shuffled.slice(0, a.length).reduce((sum, value) => sum + value, 0);
    if (differenceOf(sumA) >= observed - 1e-9) hits += 1;
  }
  return (hits + 1) / (PERMUTATIONS + 1);
}
