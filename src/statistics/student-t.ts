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

/**
 * Welch's t interval of mean(b) − mean(a) for two independent sets of values (each variant's runs),
 * at `level` (0.95 unless said): the Welch–Satterthwaite degrees of freedom, so the two may differ in
 * spread. NaN ends when either has fewer than 2 values; both without spread: the difference itself.
 */
export function welchInterval(a: readonly number[], b: readonly number[], level = 0.95): [number, number] {
  if (a.length < 2 || b.length < 2) return [NaN, NaN];
  const difference = mean(b) - mean(a);
  const varianceA = standardDeviation(a) ** 2 / a.length;
  const varianceB = standardDeviation(b) ** 2 / b.length;
  const spread = varianceA + varianceB;
  if (spread === 0) return [difference, difference];
  const degrees = spread ** 2 / (varianceA ** 2 / (a.length - 1) + varianceB ** 2 / (b.length - 1));
  const half = studentQuantile((1 + level) / 2, degrees) * Math.sqrt(spread);
  return [difference - half, difference + half];
}
