/**
 * Intervals for a distance that is a norm of a difference of shares (total variation, Wasserstein),
 * which hold the truth near 0 as far from it. A plug-in distance ‖δ̂‖ is biased upward near 0 and not
 * smooth there, so a percentile or basic bootstrap of it misses a small true distance (a two-option
 * question at a true 0.05 was held 71 % of the time). Its error, though, is bounded by a quantity the
 * bootstrap estimates well at any δ: |‖δ‖ − ‖δ̂‖| ≤ ‖δ̂ − δ‖ (the triangle inequality), and ‖δ̂ − δ‖
 * is a norm of a linear estimate's error, whose bootstrap ‖δ̂* − δ̂‖ is consistent whether δ is 0 or
 * not. So ‖δ̂‖ ± the 95th percentile of ‖δ̂* − δ̂‖ holds ‖δ‖ at least as often as that percentile holds
 * the error: 95 %, and more where the error's parts point different ways. Pure.
 */
import { keptWithin } from './figure-range.js';
import { sortNumbers } from './sort-numbers.js';

/** The smallest of the sorted values with at least `level` of them at or below it. */
function upperQuantile(sorted: readonly number[], level: number): number {
  return sorted[Math.max(0, Math.ceil(level * sorted.length) - 1)] ?? NaN;
}

/**
 * Bounds on several estimation errors at once, at `level` (0.95 unless said): for each quantity, a
 * bound its error stays under in `level` of the replicates together with every other's. `errors[q]`
 * holds quantity q's error norm in each bootstrap round (the same rounds for all). Each quantity's own
 * `level` quantile is scaled by λ ≥ 1, the `level` quantile over rounds of the largest ratio of a
 * quantity's error to its own quantile, so that all hold together. One quantity: its own quantile.
 */
export function jointErrorBounds(errors: ReadonlyArray<readonly number[]>, level = 0.95): number[] {
  const own = errors.map((rounds) => upperQuantile(sortNumbers([...rounds]), level));
  if (errors.length <= 1) return own;
  const rounds = Math.min(...errors.map((values) => values.length));
  // A loop, not a spread of a mapped list a round: the same maximum (Math.max pairwise is Math.max of all), without two arrays in each of a calibration's thousand rounds.
  const ratios = new Array<number>(rounds);
  for (let round = 0; round < rounds; round += 1) {
    let largest = -Infinity;
    for (let quantity = 0; quantity < errors.length; quantity += 1) largest = Math.max(largest, own[quantity]! > 0 ? errors[quantity]![round]! / own[quantity]! : 0);
    ratios[round] = largest;
  }
  const scale = Math.max(1, upperQuantile(sortNumbers(ratios), level));
  return own.map((bound) => bound * scale);
}

/**
 * A 95 % interval (`level` unless said) of a norm ‖δ‖ from its plug-in value ‖δ̂‖ (`observed`) and the
 * bootstrap's error norms ‖δ̂* − δ̂‖: observed ± their `level` quantile, kept within `bounds`.
 */
export function normInterval(observed: number, errors: readonly number[], bounds: readonly [number, number] = [0, 1], level = 0.95): [number, number] {
  const [bound] = jointErrorBounds([errors], level);
  return boundedInterval(observed, bound ?? NaN, bounds);
}

/** observed ± bound, kept within `bounds`; NaN ends where either is not a number. */
export function boundedInterval(observed: number, bound: number, bounds: readonly [number, number] = [0, 1]): [number, number] {
  if (!Number.isFinite(observed) || !Number.isFinite(bound)) return [NaN, NaN];
  return keptWithin([observed - bound, observed + bound], bounds);
}
