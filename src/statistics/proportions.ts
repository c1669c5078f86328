import { twoSidedZ } from './distributions.js';

/** Proportions and counts: the Wilson interval, pass@k and pass^k, and the binomial coefficient they share. Pure. */

/** n choose k, as a float (exact for the counts a study has). */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let index = 1; index <= k; index += 1) result = (result * (n - k + index)) / index;
  return result;
}

/** pass@k of one task with c passes in n trials: the chance that at least one of k trials drawn passes, 1 − C(n−c, k)/C(n, k). */
export function passAtK(n: number, c: number, k: number): number {
  return k > n ? NaN : 1 - choose(n - c, k) / choose(n, k);
}

/** pass^k (τ-bench) of one task with c passes in n trials: the chance that all k trials drawn pass, C(c, k)/C(n, k). */
export function passHatK(n: number, c: number, k: number): number {
  return k > n ? NaN : choose(c, k) / choose(n, k);
}

/**
 * The Wilson score interval of a proportion, at `level` (95 % unless said, z = 1.959964): for `successes` of `n`
 * independent trials (the trials are the unit: forks, runs, people; not messages of one agent).
 * Unlike a bootstrap it does not collapse to [1, 1] when every trial came out alike, and it stays in [0, 1].
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): [number, number] {
  if (n === 0) return [NaN, NaN];
  const z = twoSidedZ(level);
  const share = successes / n;
  const centre = share + (z * z) / (2 * n);
  const spread = z * Math.sqrt((share * (1 - share)) / n + (z * z) / (4 * n * n));
  const scale = 1 + (z * z) / n;
  return [Math.max(0, (centre - spread) / scale), Math.min(1, (centre + spread) / scale)];
}
