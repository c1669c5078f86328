import { describe, expect, it } from 'vitest';
import { compareAnswers } from '../../src/calibrate/calibration-statistics.js';
import { totalVariation, wasserstein } from '../../src/calibrate/distribution-distance.js';
import { intervalCoverage } from '../../src/statistics/coverage.js';
import { drawCounts } from '../../src/statistics/sampling.js';

/** The shares of GSS 2018's `happy` (very, pretty, not too happy): a real distribution to draw panels from. */
const HAPPY = [0.3, 0.57, 0.13];

/**
 * Seeded panels whose truth is known: the real people (n) drawn from `real`, the simulated (m) from
 * `simulated`; the calibration's distance and progress intervals, checked for whether they hold the
 * populations' own distance and progress.
 */
function coverage(real: number[], simulated: number[], n: number, m: number, ordered: boolean, trials: number) {
  const distanceOf = ordered ? wasserstein : totalVariation;
  const truth = distanceOf(real, simulated);
  const uniform = real.map(() => 1 / real.length);
  const truthProgress = (100 * (distanceOf(real, uniform) - truth)) / distanceOf(real, uniform);
  let progressCovered = 0;
  const distance = intervalCoverage(truth, trials, 17, (next, trial) => {
    const compared = compareAnswers(drawCounts(real, n, next), true, drawCounts(simulated, m, next), ordered, trial);
    const progress = compared.progress?.interval ?? [NaN, NaN];
    // The random baseline is estimated too, so progress's truth is held within a point of rounding.
    if (progress[0] - 1e-9 <= truthProgress && truthProgress <= progress[1] + 1e-9) progressCovered += 1;
    return compared.distance.interval;
  });
  return { truth, distance, progress: progressCovered / trials };
}

describe("calibration's intervals, checked by simulation where the truth is known", () => {
  it('a perfect simulator at the panel sizes the docs use: the distance interval holds 0, and progress holds 100 %', () => {
    // The docs' panel: 200 agents against some 2,000 real people, and a group of 90 against 1,000.
    for (const [n, m] of [
      [2000, 200],
      [1000, 90],
    ] as const) {
      const found = coverage(HAPPY, HAPPY, n, m, true, 80);
      expect(found.truth).toBe(0);
      expect(found.distance.share, `n ${n}, m ${m}`).toBeGreaterThanOrEqual(0.9);
      expect(found.progress, `n ${n}, m ${m}`).toBeGreaterThanOrEqual(0.9);
      // Not by being wide: a plug-in distance of such panels is about 0.04, the interval's upper end not far above it.
      expect(found.distance.meanWidth).toBeLessThan(0.1);
    }
  });

  it('a simulator off by a known distance: the interval holds it at least 90 % of the time, ordered options or not', () => {
    const found = coverage(HAPPY, [0.34, 0.35, 0.31], 2000, 200, true, 80);
    expect(found.truth).toBeCloseTo(0.11, 6);
    expect(found.distance.share).toBeGreaterThanOrEqual(0.9);
    expect(found.distance.meanWidth).toBeLessThan(0.15);
    const unordered = coverage([0.66, 0.34], [0.51, 0.49], 1400, 200, false, 80);
    expect(unordered.truth).toBeCloseTo(0.15, 6);
    expect(unordered.distance.share).toBeGreaterThanOrEqual(0.9);
  });

  it('the plug-in interval it replaces did not: for a perfect simulator it never held 0', () => {
    // The old figure: the distance between the two samples, with the percentile interval of its resamples.
    const found = intervalCoverage(0, 60, 5, (next) => {
      const real = drawCounts(HAPPY, 2000, next);
      const simulated = drawCounts(HAPPY, 200, next);
      const resampled = Array.from({ length: 400 }, () => wasserstein(drawCounts(real.map((count) => count / 2000), 2000, next), drawCounts(simulated.map((count) => count / 200), 200, next))).sort((a, b) => a - b);
      return [resampled[10] ?? NaN, resampled[389] ?? NaN];
    });
    expect(found.share).toBeLessThan(0.1);
  });
});
