/**
 * The t interval of a mean, for the small numbers of runs a study has (3 to 10), where a percentile
 * bootstrap covers far less than it says (about 80 % at n = 5). Its quantile is the library's
 * (distributions.ts). Pure.
 */
import { studentQuantile } from './distributions.js';
import { mean, standardDeviation } from './summary.js';

/** The t interval of the mean of independent values (the runs of a study), at `level` (0.95 unless said); NaN ends for fewer than 2 values. */
export function tInterval(values: readonly number[], level = 0.95): [number, number] {
  if (values.length < 2) return [NaN, NaN];
  const centre = mean(values);
  const half = studentQuantile((1 + level) / 2, values.length - 1) * (standardDeviation(values) / Math.sqrt(values.length));
  return [centre - half, centre + half];
}
