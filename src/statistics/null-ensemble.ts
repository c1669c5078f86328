/**
 * A figure read against draws of a null model (networks drawn at random under what the null keeps,
 * each measured as the figure was): could it be one more draw? Its distance from the draws' mean in
 * their own standard deviation, widened for the mean's own error, is Student's t on D − 1 degrees of
 * freedom when the draws are roughly normal (a prediction interval's test), which a measure averaged
 * over many edges is. It gives p-values below 1/(D + 1), where counting draws past the figure could
 * not, so a family of measures can be held to a false discovery rate. Pure.
 */
import { studentCdf } from './distributions.js';
import { mean, standardDeviation } from './summary.js';

/**
 * The two-sided p-value of `observed` as one more of `draws`; NaN where there are fewer than 3 draws,
 * or where the draws hold the figure fixed (no spread, and equal to it): the null keeps that figure by
 * construction and cannot test it. Draws with no spread that differ from it give 0.
 */
export function ensembleP(observed: number, draws: readonly number[]): number {
  if (draws.length < 3 || !Number.isFinite(observed)) return NaN;
  const centre = mean(draws);
  const spread = standardDeviation(draws);
  // Equal draws can leave a spread of rounding alone (a mean of equal floats is not always exactly them).
  const tolerance = 1e-12 * Math.max(1, Math.abs(centre));
  if (spread <= tolerance) return Math.abs(observed - centre) <= tolerance ? NaN : 0;
  const t = (observed - centre) / (spread * Math.sqrt(1 + 1 / draws.length));
  return 2 * studentCdf(-Math.abs(t), draws.length - 1);
}
