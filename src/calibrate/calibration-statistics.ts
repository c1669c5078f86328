import { seededRandom } from '../random/seeded-random.js';
import { percentileInterval } from '../statistics/bootstrap.js';
import { drawCounts, splitHalves } from '../statistics/sampling.js';
import { mean } from '../statistics/summary.js';
import { distanceFor } from './distribution-distance.js';

/** How many resamples each interval and baseline draws. */
export const CALIBRATION_RESAMPLES = 1000;

/** A distance with its 95% interval. */
export interface Estimate {
  value: number;
  interval: [number, number];
}

/** One question in one group: the simulated answers against the real ones, beside the two baselines. */
export interface Comparison {
  /** People in the real data, and agents who gave a readable answer. */
  real: number;
  simulated: number;
  /** The shares of each option, in the options' order. */
  realShares: number[];
  simulatedShares: number[];
  /** Simulated against real: the distance as measured, with a bootstrap interval (both sides resampled). */
  distance: Estimate;
  /** Answers at random (each option alike), as many as the simulated: the distance a population that knows nothing reaches. */
  random: Estimate;
  /** The real data's own split halves: the distance between two random halves of the people, the closest a simulation of them could be expected to come. Absent with shares (no people to split). */
  ceiling?: Estimate;
  /** How far the simulation is from random towards the ceiling, in percent: 100·(random − distance)/(random − ceiling). Absent when the baselines do not differ. */
  progress?: number;
}

function sharesOf(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, value) => sum + value, 0);
  return counts.map((value) => (total === 0 ? 0 : value / total));
}

/**
 * Compare simulated answers with real ones for one question in one group. `real` is counts (or
 * shares, with `realIsCounts` false: then the real side is taken as exact and has no split halves);
 * `simulated` is counts. Every draw comes from `seed`, so the same inputs give the same figures.
 * Pure.
 */
export function compareAnswers(real: readonly number[], realIsCounts: boolean, simulated: readonly number[], ordered: boolean, seed: number): Comparison {
  const distance = distanceFor(ordered);
  const realShares = sharesOf(real);
  const simulatedShares = sharesOf(simulated);
  const realN = realIsCounts ? real.reduce((sum, value) => sum + value, 0) : 0;
  const simulatedN = simulated.reduce((sum, value) => sum + value, 0);
  const next = seededRandom(seed);
  const resampleReal = (): number[] => (realIsCounts ? drawCounts(realShares, realN, next) : realShares);
  const measured: number[] = [];
  const random: number[] = [];
  const halves: number[] = [];
  const uniform = real.map(() => 1 / real.length);
  for (let round = 0; round < CALIBRATION_RESAMPLES; round += 1) {
    measured.push(distance(resampleReal(), drawCounts(simulatedShares, simulatedN, next)));
    random.push(distance(realShares, drawCounts(uniform, Math.max(simulatedN, 1), next)));
    if (realIsCounts && realN >= 2) {
      const [first, second] = splitHalves(real, next);
      halves.push(distance(first, second));
    }
  }
  const comparison: Comparison = {
    real: realIsCounts ? realN : 0,
    simulated: simulatedN,
    realShares,
    simulatedShares,
    distance: { value: distance(realShares, simulatedShares), interval: percentileInterval(measured) },
    random: { value: mean(random), interval: percentileInterval(random) },
  };
  if (halves.length > 0) comparison.ceiling = { value: mean(halves), interval: percentileInterval(halves) };
  const floor = comparison.ceiling?.value ?? 0;
  if (comparison.random.value - floor > 1e-9 && simulatedN > 0) comparison.progress = (100 * (comparison.random.value - comparison.distance.value)) / (comparison.random.value - floor);
  return comparison;
}
