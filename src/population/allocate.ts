/**
 * Quota allocation: how many of `total` people get each value, so that the counts hit the target
 * shares exactly to rounding at any size (largest remainder, Hamilton's method), not only on
 * average as independent draws would. Each count is the floor of its exact quota, and the people
 * left over go one each to the largest remainders, ties to the value listed first. The counts sum
 * to `total`, and each is within one of its quota. Pure.
 */
export function allocate(total: number, shares: readonly number[]): number[] {
  const sum = shares.reduce((left, right) => left + right, 0);
  if (total === 0 || sum <= 0) return shares.map(() => 0);
  const quotas = shares.map((share) => (share / sum) * total);
  const counts = quotas.map((quota) => Math.floor(quota));
  let left = total - counts.reduce((left, right) => left + right, 0);
  const order = quotas.map((quota, index) => ({ index, remainder: quota - Math.floor(quota) })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left === 0) break;
    counts[index] = (counts[index] ?? 0) + 1;
    left -= 1;
  }
  return counts;
}
