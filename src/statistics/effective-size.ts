/**
 * What weighted people are worth as evidence. A sample whose people carry unequal weights (a
 * weighted resample that draws one person ten times and another once) tells as much as a simple
 * random sample of Kish's effective size, not of its rows: an interval that counts the rows is too
 * narrow by as much as they repeat people. Pure.
 */

/** Kish's effective sample size of weighted units, (Σw)² / Σw²: n for equal weights, less the more unequal they are; 0 for none. */
export function kishEffectiveSize(weights: readonly number[]): number {
  let sum = 0;
  let squares = 0;
  for (const weight of weights) {
    sum += weight;
    squares += weight * weight;
  }
  return squares === 0 ? 0 : (sum * sum) / squares;
}

/**
 * Weighted counts brought to a whole number of people, `total` rounded: each count scaled by the same
 * factor, and the people the rounding leaves over given to the largest remainders (ties to the first),
 * so the shares stay as near as whole people allow and the counts sum to the total.
 */
export function scaleCounts(counts: readonly number[], total: number): number[] {
  const sum = counts.reduce((left, right) => left + right, 0);
  const target = Math.round(total);
  if (sum === 0 || target <= 0) return counts.map(() => 0);
  const exact = counts.map((count) => (count * target) / sum);
  const whole = exact.map((value) => Math.floor(value));
  let left = target - whole.reduce((a, b) => a + b, 0);
  const order = exact.map((value, index) => ({ index, remainder: value - whole[index]! })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    whole[index]! += 1;
    left -= 1;
  }
  return whole;
}
