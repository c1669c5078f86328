/**
 * Distances between two distributions over a question's options (each a list of counts or shares,
 * in the options' order). Both are normalised first, so a count of 400 and one of 40 compare as
 * shares. Pure.
 */

function shares(values: readonly number[]): number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  return values.map((value) => (total === 0 ? 0 : value / total));
}

/** Total variation: half the sum of the absolute differences of the shares; 0 (the same) to 1 (no overlap). For options in no order. */
export function totalVariation(a: readonly number[], b: readonly number[]): number {
  const left = shares(a);
  const right = shares(b);
  return left.reduce((sum, share, index) => sum + Math.abs(share - (right[index] ?? 0)), 0) / 2;
}

/**
 * Wasserstein-1 (earth mover's) distance for ordered options, the options placed evenly from 0 to 1:
 * the sum over the k − 1 gaps of |F_a − F_b| (the cumulative shares) divided by k − 1. 0 is the same
 * distribution, 1 everyone at one end against everyone at the other; moving people one option over
 * costs less than moving them across the scale, which total variation cannot tell apart.
 */
export function wasserstein(a: readonly number[], b: readonly number[]): number {
  const left = shares(a);
  const right = shares(b);
  if (left.length < 2) return 0;
  let cumulativeLeft = 0;
  let cumulativeRight = 0;
  let sum = 0;
  for (let index = 0; index < left.length - 1; index += 1) {
    cumulativeLeft += left[index]!;
    cumulativeRight += right[index] ?? 0;
    sum += Math.abs(cumulativeLeft - cumulativeRight);
  }
  return sum / (left.length - 1);
}

/** The distance a question's kind calls for: Wasserstein for ordered options, total variation otherwise. */
export function distanceFor(ordered: boolean): (a: readonly number[], b: readonly number[]) => number {
  return ordered ? wasserstein : totalVariation;
}
