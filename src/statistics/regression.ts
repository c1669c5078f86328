import { mean } from './summary.js';

/** The least-squares slope of y on x; NaN when x does not vary. Pure. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return NaN;
  const meanX = mean(points.map((point) => point[0]));
  const meanY = mean(points.map((point) => point[1]));
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? NaN : covariance / variance;
}

/**
 * The within-group slope of y on x (fixed effects): each group's points centred on its own means, one
 * slope fitted through them all. A difference between groups' levels (one agent writing better than
 * another throughout) does not pass for a change over x; NaN when x varies within no group.
 */
export function withinSlope(groups: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): number {
  let covariance = 0;
  let variance = 0;
  for (const points of groups) {
    if (points.length < 2) continue;
    const meanX = mean(points.map((point) => point[0]));
    const meanY = mean(points.map((point) => point[1]));
    for (const [x, y] of points) {
      covariance += (x - meanX) * (y - meanY);
      variance += (x - meanX) ** 2;
    }
  }
  return variance === 0 ? NaN : covariance / variance;
}
