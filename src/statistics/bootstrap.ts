/**
 * 95% percentile-bootstrap intervals from a seeded generator, so the same inputs give the same
 * interval. Each function resamples one named unit of repetition: `bootstrapMean` its values (use it
 * only where the values are independent: runs, or people of one run), `clusteredBootstrapMean` whole
 * clusters (the runs of a study, or the agents within them), never the rows inside one. Pure.
 */
import { seededRandom } from '../random/seeded-random.js';
import { normalCdf } from './distributions.js';
import { slope } from './regression.js';
import { sortNumbers } from './sort-numbers.js';
import { standardDeviation } from './summary.js';

/** How many resamples a bootstrap interval draws. */
export const BOOTSTRAP_RESAMPLES = 2000;

/** The 2.5th and 97.5th percentiles of the statistics (sorted in place): entries floor(0.025·B) and ceil(0.975·B) − 1. */
export function percentileInterval(statistics: number[]): [number, number] {
  sortNumbers(statistics);
  const count = statistics.length;
  return [statistics[Math.floor(0.025 * count)] ?? NaN, statistics[Math.ceil(0.975 * count) - 1] ?? NaN];
}

/**
 * The bootstrap's bias-corrected estimate and its 95% basic (reverse-percentile) interval, from the
 * statistic as observed and its replicates (sorted in place): 2·observed − mean(replicates), and
 * [2·observed − q97.5, 2·observed − q2.5], each end clamped to `bounds`. For a statistic whose plug-in
 * value is biased (a distance between two samples is above the distance between their populations,
 * most at small n), the percentile interval inherits the bias and can exclude the truth, its own value
 * included; the basic interval reflects it instead. `centre` is the statistic of what the replicates
 * were drawn from, where that is not the observed sample (a count sample all alike is drawn from its
 * Wilson centre, sampling.ts bootstrapShares): the bias is then mean(replicates) − centre.
 */
export function basicBootstrap(observed: number, replicates: number[], bounds: readonly [number, number] = [-Infinity, Infinity], centre = observed): { value: number; interval: [number, number] } {
  if (replicates.length === 0) return { value: NaN, interval: [NaN, NaN] };
  const [low, high] = percentileInterval(replicates);
  const average = replicates.reduce((sum, value) => sum + value, 0) / replicates.length;
  const clamp = (value: number): number => Math.min(bounds[1], Math.max(bounds[0], value));
  return { value: clamp(observed + centre - average), interval: [clamp(observed + centre - high), clamp(observed + centre - low)] };
}

/**
 * The two-sided p-value of "the figure is 0" from its bootstrap: the bias-corrected `estimate` over the
 * replicates' standard deviation, read on the normal (the normal bootstrap's test, continuous where the
 * share of replicates past 0 would stop at 1/B: a family's Benjamini–Hochberg step needs p-values
 * below 0.05/m). NaN with fewer than two replicates; 0 when they do not vary and the estimate is not 0.
 */
export function bootstrapPValue(estimate: number, replicates: readonly number[]): number {
  if (replicates.length < 2 || !Number.isFinite(estimate)) return NaN;
  const spread = standardDeviation(replicates);
  if (spread === 0) return estimate === 0 ? 1 : 0;
  return 2 * normalCdf(-Math.abs(estimate) / spread);
}

/** The bootstrap draws index i of a sample of n as `Math.floor(next() * n)`. */
function resampleMean(values: readonly number[], next: () => number): number {
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum += values[Math.floor(next() * values.length)] ?? 0;
  return sum / values.length;
}

/** A 95% percentile-bootstrap interval of the mean: BOOTSTRAP_RESAMPLES resamples of the values with replacement. */
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

/**
 * A 95% cluster bootstrap of any statistic: whole clusters drawn with replacement (as many as there
 * are) and the statistic taken of them; a draw whose statistic is not finite (a slope of clusters
 * whose x does not vary) is drawn again, at most 10·B times in all. The cluster is the unit of
 * repetition (a run; an agent within a run), so values that move together inside one are not
 * counted as independent evidence. NaN ends for fewer than two clusters.
 */
export function clusteredBootstrap<T>(clusters: readonly T[], statistic: (drawn: readonly T[]) => number, seed: number): [number, number] {
  // One cluster is drawn in every resample: its interval would be the figure itself, certainty it does not have.
  if (clusters.length < 2) return [NaN, NaN];
  const next = seededRandom(seed);
  const statistics: number[] = [];
  for (let attempt = 0; statistics.length < BOOTSTRAP_RESAMPLES && attempt < 10 * BOOTSTRAP_RESAMPLES; attempt += 1) {
    const drawn = Array.from({ length: clusters.length }, () => clusters[Math.floor(next() * clusters.length)] as T);
    const value = statistic(drawn);
    if (Number.isFinite(value)) statistics.push(value);
  }
  return statistics.length < BOOTSTRAP_RESAMPLES ? [NaN, NaN] : percentileInterval(statistics);
}

/** The pooled mean of every value of the clusters; NaN when they hold none. */
export function pooledMean(clusters: ReadonlyArray<readonly number[]>): number {
  let sum = 0;
  let count = 0;
  for (const cluster of clusters) {
    for (const value of cluster) sum += value;
    count += cluster.length;
  }
  return count === 0 ? NaN : sum / count;
}

/** A 95% cluster bootstrap of the pooled mean (clusteredBootstrap with pooledMean); empty clusters are left out. */
export function clusteredBootstrapMean(clusters: ReadonlyArray<readonly number[]>, seed: number): [number, number] {
  return clusteredBootstrap(
    clusters.filter((cluster) => cluster.length > 0),
    pooledMean,
    seed,
  );
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
