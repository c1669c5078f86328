/**
 * The statistics of an experiment's report, written out so a reader (and a test) can redo them:
 * sample mean and standard deviation (n − 1); 95% percentile-bootstrap intervals from a seeded
 * generator; a two-sided permutation test of a difference of means, exact when the relabellings
 * are few, seeded Monte Carlo otherwise; pass@k and pass^k by their unbiased estimators. Pure.
 */
import { seededRandom } from '../random/seeded-random.js';

/** How many resamples a bootstrap interval draws. */
export const BOOTSTRAP_RESAMPLES = 2000;
/** A permutation test enumerates every relabelling up to this many; past it, draws this many at random. */
export const PERMUTATIONS = 20_000;

/** The bootstrap draws index i of a sample of n as `Math.floor(next() * n)` from this generator. */
export { seededRandom };

/** A seed from text (FNV-1a): each interval has its own, from the experiment's seed and what it is of. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  return hash;
}

/** A figure of a report rounded to `decimals` places (6 unless said), so that sums of floats print as the numbers they are. Pure. */
export function tidy(value: number, decimals = 6): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** Both ends of an interval, tidied. Pure. */
export function tidyPair(pair: readonly [number, number], decimals = 6): [number, number] {
  return [tidy(pair[0], decimals), tidy(pair[1], decimals)];
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The sample standard deviation (divided by n − 1); 0 for one value. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const centre = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (values.length - 1));
}

/** The 2.5th and 97.5th percentiles of sorted statistics: entries floor(0.025·B) and ceil(0.975·B) − 1. */
function percentileInterval(statistics: number[]): [number, number] {
  statistics.sort((left, right) => left - right);
  const count = statistics.length;
  return [statistics[Math.floor(0.025 * count)] ?? NaN, statistics[Math.ceil(0.975 * count) - 1] ?? NaN];
}

function resampleMean(values: readonly number[], next: () => number): number {
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum += values[Math.floor(next() * values.length)] ?? 0;
  return sum / values.length;
}

/** A 95% percentile-bootstrap interval of the mean: BOOTSTRAP_RESAMPLES resamples with replacement. */
export function bootstrapMean(values: readonly number[], seed: number): [number, number] {
  if (values.length === 0) return [NaN, NaN];
  const next = seededRandom(seed);
  return percentileInterval(Array.from({ length: BOOTSTRAP_RESAMPLES }, () => resampleMean(values, next)));
}

/** A 95% percentile-bootstrap interval of mean(b) − mean(a): each group resampled on its own (a first). */
export function bootstrapDifference(a: readonly number[], b: readonly number[], seed: number): [number, number] {
  if (a.length === 0 || b.length === 0) return [NaN, NaN];
  const next = seededRandom(seed);
  return percentileInterval(Array.from({ length: BOOTSTRAP_RESAMPLES }, () => -resampleMean(a, next) + resampleMean(b, next)));
}

/** n choose k, as a float (exact for the counts an experiment has). */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let index = 1; index <= k; index += 1) result = (result * (n - k + index)) / index;
  return result;
}

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

/** pass@k of one task with c passes in n trials: the chance that at least one of k trials drawn passes, 1 − C(n−c, k)/C(n, k). */
export function passAtK(n: number, c: number, k: number): number {
  return k > n ? NaN : 1 - choose(n - c, k) / choose(n, k);
}

/** pass^k (τ-bench) of one task with c passes in n trials: the chance that all k trials drawn pass, C(c, k)/C(n, k). */
export function passHatK(n: number, c: number, k: number): number {
  return k > n ? NaN : choose(c, k) / choose(n, k);
}

/**
 * The Wilson score interval of a proportion, 95% (z = 1.959964): for `successes` of `n`. Unlike a
 * bootstrap it does not collapse to [1, 1] when every agent did the same, and it stays in [0, 1].
 */
export function wilsonInterval(successes: number, n: number): [number, number] {
  if (n === 0) return [NaN, NaN];
  const z = 1.959964;
  const share = successes / n;
  const centre = share + (z * z) / (2 * n);
  const spread = z * Math.sqrt((share * (1 - share)) / n + (z * z) / (4 * n * n));
  const scale = 1 + (z * z) / n;
  return [Math.max(0, (centre - spread) / scale), Math.min(1, (centre + spread) / scale)];
}

/** The least-squares slope of y on x; NaN when x does not vary. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return NaN;
  const meanX = mean(points.map((point) => point[0]));
  const meanY = mean(points.map((point) => point[1]));
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? NaN : covariance / variance;
}

/** A 95% percentile-bootstrap interval of the slope: the points resampled with replacement (a resample whose x does not vary is drawn again). */
export function bootstrapSlope(points: ReadonlyArray<readonly [number, number]>, seed: number): [number, number] {
  if (!Number.isFinite(slope(points))) return [NaN, NaN];
  const next = seededRandom(seed);
  const statistics: number[] = [];
  while (statistics.length < BOOTSTRAP_RESAMPLES) {
    const drawn = Array.from({ length: points.length }, () => points[Math.floor(next() * points.length)] as readonly [number, number]);
    const value = slope(drawn);
    if (Number.isFinite(value)) statistics.push(value);
  }
  return percentileInterval(statistics);
}
