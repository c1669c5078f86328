/**
 * Distances between two distributions over a question's options (each a list of counts or shares,
 * in the options' order). Both are normalised first, so a count of 400 and one of 40 compare as
 * shares. Each distance is a norm of the difference of the two lists of shares, and the norm is given
 * too: the calibration's intervals bound a distance by the norm of its estimate's error. Pure.
 */

/** A list of counts (or shares) as shares summing to 1; all 0 when it holds none. */
export function sharesOf(values: readonly number[]): number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  return values.map((value) => (total === 0 ? 0 : value / total));
}

/** Total variation's norm of a difference of shares: half the sum of its absolute values. */
function totalVariationNorm(difference: readonly number[]): number {
  return difference.reduce((sum, value) => sum + Math.abs(value), 0) / 2;
}

/** Wasserstein-1's norm of a difference of shares over ordered options placed evenly from 0 to 1: the sum over the k − 1 gaps of |cumulative difference|, over k − 1. */
function wassersteinNorm(difference: readonly number[]): number {
  if (difference.length < 2) return 0;
  let cumulative = 0;
  let sum = 0;
  for (let index = 0; index < difference.length - 1; index += 1) {
    cumulative += difference[index]!;
    sum += Math.abs(cumulative);
  }
  return sum / (difference.length - 1);
}

/** The shares of `a` less those of `b`, option by option. */
export function shareDifference(a: readonly number[], b: readonly number[]): number[] {
  const right = sharesOf(b);
  return sharesOf(a).map((share, index) => share - (right[index] ?? 0));
}

/** Total variation: half the sum of the absolute differences of the shares; 0 (the same) to 1 (no overlap). For options in no order. */
export function totalVariation(a: readonly number[], b: readonly number[]): number {
  return totalVariationNorm(shareDifference(a, b));
}

/**
 * Wasserstein-1 (earth mover's) distance for ordered options, the options placed evenly from 0 to 1:
 * the sum over the k − 1 gaps of |F_a − F_b| (the cumulative shares) divided by k − 1. 0 is the same
 * distribution, 1 everyone at one end against everyone at the other; moving people one option over
 * costs less than moving them across the scale, which total variation cannot tell apart.
 */
export function wasserstein(a: readonly number[], b: readonly number[]): number {
  return wassersteinNorm(shareDifference(a, b));
}

/** The distance a question's kind calls for: Wasserstein for ordered options, total variation otherwise. */
export function distanceFor(ordered: boolean): (a: readonly number[], b: readonly number[]) => number {
  return ordered ? wasserstein : totalVariation;
}

/** The norm of that distance, of a difference of shares: distanceFor(ordered)(a, b) is normFor(ordered)(shareDifference(a, b)). */
export function normFor(ordered: boolean): (difference: readonly number[]) => number {
  return ordered ? wassersteinNorm : totalVariationNorm;
}

/**
 * Shares a known distance from `real` by the distance a question's kind calls for: mass moved from the
 * first option to the second (k − 1 times as much for Wasserstein over k options, whose gaps are each
 * 1/(k − 1)). The coverage checks draw simulated answers from them (tests, bench). Pure.
 */
export function sharesMovedBy(real: readonly number[], distance: number, ordered: boolean): number[] {
  const moved = [...real];
  const mass = ordered ? distance * (real.length - 1) : distance;
  moved[0]! -= mass;
  moved[1]! += mass;
  return moved;
}
