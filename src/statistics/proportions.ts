import { betaQuantile, twoSidedZ } from './distributions.js';

/** Proportions and counts: the Wilson and Clopper–Pearson intervals, pass@k and pass^k, and the binomial coefficient they share. Pure. */

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

/**
 * The Clopper–Pearson ("exact") interval of a proportion, at `level` (95 % unless said): for `successes`
 * of `n` independent trials, the chances no further from successes / n than the binomial's tails at
 * (1 − level) / 2 each allow, read from the beta distribution's quantiles. It holds the true chance at
 * least `level` of the time whatever the chance and n, where Wilson's and a t interval of the trials
 * fall short near some chances (Wilson's 0.843 at 3 trials and 0.95, the t interval's 0.883 at 10 and
 * 0.35; tests/statistics/pass-fail-runs-coverage.test.ts), at the price of being wider.
 */
export function clopperPearsonInterval(successes: number, n: number, level = 0.95): [number, number] {
  if (n === 0) return [NaN, NaN];
  const tail = (1 - level) / 2;
  const low = successes <= 0 ? 0 : betaQuantile(tail, successes, n - successes + 1);
  const high = successes >= n ? 1 : betaQuantile(1 - tail, successes + 1, n - successes);
  return [low, high];
}
