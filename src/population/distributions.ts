/**
 * The numeric attributes of a population: a distribution a person names in the spec (normal,
 * uniform, lognormal), cut at its `min` and `max`, and sampled by stratified quantiles: person i of
 * n gets the quantile of a point drawn within the i-th of n equal slices of probability, so n
 * values follow the distribution closely at any n (the mean and spread of 10,000 are within a few
 * thousandths of a standard deviation), not only on average. The normal's distribution function and
 * quantile are the statistics room's (src/statistics/distributions.ts, stdlib-js), exact to the last
 * digits or so: one home for them, not a second approximation here. Pure.
 */
import { normalCdf, normalQuantile } from '../statistics/distributions.js';

/** A distribution as the spec names it (population-spec.ts checks it). */
export type Distribution =
  | { kind: 'normal'; mean: number; sd: number; min?: number; max?: number; decimals: number }
  | { kind: 'uniform'; min: number; max: number; decimals: number }
  | { kind: 'lognormal'; median: number; sigma: number; min?: number; max?: number; decimals: number };

/** The standard normal's z at probability `q`, its ends included: −∞ at 0 and +∞ at 1 (the cut's bound, then, once clamped). */
function zAt(q: number): number {
  if (q <= 0) return -Infinity;
  if (q >= 1) return Infinity;
  return normalQuantile(q);
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
  const z = zAt(from + p * (to - from));
  const value = centre + z * spread;
  const result = distribution.kind === 'lognormal' ? Math.exp(value) : value;
  // Rounding in the last digit may step a hair past a bound.
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
