/**
 * The distribution functions lemming's intervals and tests rest on, from stdlib-js (ports of Boost's
 * and Cephes' routines, checked against reference values by their authors and by many users), not
 * written by hand here: Student's t (its cumulative distribution and quantile), the standard normal's,
 * the beta distribution's quantile, and the logarithm of the gamma function. What no library has, the resampling and the coverage
 * simulation, is lemming's own (bootstrap.ts, sampling.ts, coverage.ts). tests/statistics/distributions.test.ts
 * holds both to reference values. Pure.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import betaQuantileOf from '@stdlib/stats-base-dists-beta-quantile';
import normalCdfOf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileOf from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** P(T ≤ t) for Student's t with `degrees` degrees of freedom (NaN for degrees ≤ 0). */
export function studentCdf(t: number, degrees: number): number {
  return tCdf(t, degrees);
}

/** The t with P(T ≤ t) = p; NaN outside 0 < p < 1 or for degrees ≤ 0. */
export function studentQuantile(p: number, degrees: number): number {
  if (!(p > 0 && p < 1) || !(degrees > 0)) return NaN;
  return tQuantile(p, degrees);
}

/** P(Z ≤ z) for the standard normal. */
export function normalCdf(z: number): number {
  return normalCdfOf(z, 0, 1);
}

/** The z with P(Z ≤ z) = p for the standard normal; NaN outside 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return NaN;
  return normalQuantileOf(p, 0, 1);
}

/** The two-sided z of a confidence level: 1.959964 at 0.95. */
export function twoSidedZ(level: number): number {
  return normalQuantile((1 + level) / 2);
}

/** The x with P(X ≤ x) = p for the beta distribution of shapes `a` and `b`; NaN outside 0 ≤ p ≤ 1 or for a shape ≤ 0. */
export function betaQuantile(p: number, a: number, b: number): number {
  return betaQuantileOf(p, a, b);
}

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  return gammaln(x);
}

/**
 * ln(n!) already computed, by n: a calibration's bootstrap makes millions of binomial draws, each
 * asking for three of these over the same few hundred n (gammaln was a fifth of its CPU). Each entry
 * is gammaln's own value, so every draw, interval and p-value is what it was without the table.
 */
let logFactorials = new Float64Array(0);
/** Past this n the table would hold more than it saves: gammaln is asked directly. */
const LOG_FACTORIALS_KEPT = 1 << 20;

/** ln(n!) for a whole n ≥ 0. */
export function logFactorial(n: number): number {
  if (!(Number.isInteger(n) && n >= 0 && n < LOG_FACTORIALS_KEPT)) return gammaln(n + 1);
  if (n >= logFactorials.length) {
    const grown = new Float64Array(Math.min(LOG_FACTORIALS_KEPT, Math.max(1024, 2 * (n + 1)))).fill(NaN);
    grown.set(logFactorials);
    logFactorials = grown;
  }
  const kept = logFactorials[n]!;
  if (!Number.isNaN(kept)) return kept;
  return (logFactorials[n] = gammaln(n + 1));
}
