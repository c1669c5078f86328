/**
 * The numeric attributes of a population: a distribution a person names in the spec (normal,
 * uniform, lognormal), cut at its `min` and `max`, and sampled by stratified quantiles: person i of
 * n gets the quantile of a point drawn within the i-th of n equal slices of probability, so n
 * values follow the distribution closely at any n (the mean and spread of 10,000 are within a few
 * thousandths of a standard deviation), not only on average. Pure.
 */

/** A distribution as the spec names it (population-spec.ts checks it). */
export type Distribution =
  | { kind: 'normal'; mean: number; sd: number; min?: number; max?: number; decimals: number }
  | { kind: 'uniform'; min: number; max: number; decimals: number }
  | { kind: 'lognormal'; median: number; sigma: number; min?: number; max?: number; decimals: number };

/** The standard normal's cumulative distribution, by the complementary error function (error below 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The standard normal's quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const poly = (coefficients: number[], x: number): number => coefficients.reduce((sum, coefficient) => sum * x + coefficient, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** The value at probability `p` (0..1) of the distribution cut at its bounds. */
export function quantileOf(distribution: Distribution, p: number): number {
  if (distribution.kind === 'uniform') return distribution.min + p * (distribution.max - distribution.min);
  // Normal and lognormal are the same in z: lognormal's z is of the logarithm.
  const centre = distribution.kind === 'normal' ? distribution.mean : Math.log(distribution.median);
  const spread = distribution.kind === 'normal' ? distribution.sd : distribution.sigma;
  const toZ = (value: number | undefined): number | undefined => {
    if (value === undefined) return undefined;
    if (distribution.kind === 'lognormal') return value <= 0 ? -Infinity : (Math.log(value) - centre) / spread;
    return (value - centre) / spread;
  };
  const lowZ = toZ(distribution.min);
  const highZ = toZ(distribution.max);
  const from = lowZ === undefined ? 0 : normalCdf(lowZ);
  const to = highZ === undefined ? 1 : normalCdf(highZ);
  const z = normalQuantile(from + p * (to - from));
  const value = centre + z * spread;
  const result = distribution.kind === 'lognormal' ? Math.exp(value) : value;
  // The approximations may step a hair past a bound.
  return Math.min(distribution.max ?? Infinity, Math.max(distribution.min ?? -Infinity, result));
}

/** A value rounded to `decimals` places, as the resume will show it, never past a bound (66.5 under `max: 66.5` with no decimals is 66). */
function rounded(value: number, distribution: Distribution): number {
  const factor = 10 ** distribution.decimals;
  const near = Math.round(value * factor);
  if (distribution.max !== undefined && near / factor > distribution.max) return (near - 1) / factor;
  if (distribution.min !== undefined && near / factor < distribution.min) return (near + 1) / factor;
  return near / factor;
}

/**
 * `count` values of the distribution, one from each of `count` equal slices of probability (a
 * point drawn within the slice by `random`), rounded to its decimals, in ascending order: the
 * caller shuffles them.
 */
export function stratifiedValues(distribution: Distribution, count: number, random: () => number): number[] {
  const values: number[] = [];
  for (let index = 0; index < count; index += 1) values.push(rounded(quantileOf(distribution, (index + random()) / count), distribution));
  return values;
}
