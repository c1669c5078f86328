/**
 * 95% percentile-bootstrap intervals from a seeded generator, so the same inputs give the same
 * interval. Each function resamples one named unit of repetition: `bootstrapMean` its values (use it
 * only where the values are independent: runs, or people of one run), `clusteredBootstrapMean` whole
 * clusters (the runs of a study, or the agents within them), never the rows inside one. Pure.
 */
import { seededRandom } from '../random/seeded-random.js';
import { slope } from './regression.js';

/** How many resamples a bootstrap interval draws. */
export const BOOTSTRAP_RESAMPLES = 2000;

/** The 2.5th and 97.5th percentiles of the statistics (sorted in place): entries floor(0.025·B) and ceil(0.975·B) − 1. */
export function percentileInterval(statistics: number[]): [number, number] {
  statistics.sort((left, right) => left - right);
  const count = statistics.length;
  return [statistics[Math.floor(0.025 * count)] ?? NaN, statistics[Math.ceil(0.975 * count) - 1] ?? NaN];
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
 * A 95% cluster bootstrap of the pooled mean of every value: whole clusters drawn with replacement
 * (as many as there are), their values pooled. The cluster is the unit of repetition (a run; an agent
 * within a run), so values that move together inside one (an agent's messages, a run's answers) are
 * not counted as independent evidence. Empty clusters count as drawn and add nothing.
 */
export function clusteredBootstrapMean(clusters: ReadonlyArray<readonly number[]>, seed: number): [number, number] {
  const nonEmpty = clusters.filter((cluster) => cluster.length > 0);
  if (nonEmpty.length === 0) return [NaN, NaN];
  const sums = nonEmpty.map((cluster) => cluster.reduce((sum, value) => sum + value, 0));
  const next = seededRandom(seed);
  const statistics = Array.from({ length: BOOTSTRAP_RESAMPLES }, () => {
    let sum = 0;
    let count = 0;
    for (let index = 0; index < nonEmpty.length; index += 1) {
      const drawn = Math.floor(next() * nonEmpty.length);
      sum += sums[drawn] ?? 0;
      count += nonEmpty[drawn]?.length ?? 0;
    }
    return sum / count;
  });
  return percentileInterval(statistics);
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
