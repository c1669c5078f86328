/** The plain summaries every figure starts from: the mean, the sample standard deviation, and a report's rounding. Pure. */

/**
 * The places an experiment's figures over runs are given to: a billionth, the ledger's unit of credits,
 * so a mean of charges keeps every digit a charge has, and one figure (a variant's mean credits or
 * messages) reads alike in every table that gives it.
 */
export const FIGURE_PLACES = 9;

/** A figure of a report rounded to `decimals` places (6 unless said), so that sums of floats print as the numbers they are. */
export function tidy(value: number, decimals = 6): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** Both ends of an interval, tidied. */
export function tidyPair(pair: readonly [number, number], decimals = 6): [number, number] {
  return [tidy(pair[0], decimals), tidy(pair[1], decimals)];
}

/** The mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The sample standard deviation (divided by n − 1); NaN for fewer than two values: one value shows no spread, not a spread of 0. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const centre = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (values.length - 1));
}

/** The sample standard deviation as a report gives it: none (null) for fewer than two values, where there is no spread to give. */
export function spreadOrNone(values: readonly number[]): number | null {
  return values.length < 2 ? null : standardDeviation(values);
}
