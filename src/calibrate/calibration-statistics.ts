import { seededRandom } from '../random/seeded-random.js';
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

function percentile95(values: number[]): [number, number] {
  values.sort((left, right) => left - right);
  return [values[Math.floor(0.025 * values.length)] ?? NaN, values[Math.ceil(0.975 * values.length) - 1] ?? NaN];
}

function meanOf(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** n draws from the distribution `shares` (cumulative search), as counts per option. */
function draw(shares: readonly number[], n: number, next: () => number): number[] {
  const counts = shares.map(() => 0);
  for (let index = 0; index < n; index += 1) {
    let at = next();
    let option = 0;
    while (option < shares.length - 1 && at >= shares[option]!) {
      at -= shares[option]!;
      option += 1;
    }
    counts[option]! += 1;
  }
  return counts;
}

function sharesOf(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, value) => sum + value, 0);
  return counts.map((value) => (total === 0 ? 0 : value / total));
}

/** Two random halves of the people behind `counts` (a shuffle of them, cut in the middle), as counts. */
function splitHalves(counts: readonly number[], next: () => number): [number[], number[]] {
  const people: number[] = [];
  counts.forEach((count, option) => {
    for (let index = 0; index < count; index += 1) people.push(option);
  });
  for (let index = people.length - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [people[index], people[other]] = [people[other]!, people[index]!];
  }
  const first = counts.map(() => 0);
  const second = counts.map(() => 0);
  people.forEach((option, index) => ((index < people.length / 2 ? first : second)[option]! += 1));
  return [first, second];
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
  const resampleReal = (): number[] => (realIsCounts ? draw(realShares, realN, next) : realShares);
  const measured: number[] = [];
  const random: number[] = [];
  const halves: number[] = [];
  const uniform = real.map(() => 1 / real.length);
  for (let round = 0; round < CALIBRATION_RESAMPLES; round += 1) {
    measured.push(distance(resampleReal(), draw(simulatedShares, simulatedN, next)));
    random.push(distance(realShares, draw(uniform, Math.max(simulatedN, 1), next)));
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
    distance: { value: distance(realShares, simulatedShares), interval: percentile95(measured) },
    random: { value: meanOf(random), interval: percentile95(random) },
  };
  if (halves.length > 0) comparison.ceiling = { value: meanOf(halves), interval: percentile95(halves) };
  const floor = comparison.ceiling?.value ?? 0;
  if (comparison.random.value - floor > 1e-9 && simulatedN > 0) comparison.progress = (100 * (comparison.random.value - comparison.distance.value)) / (comparison.random.value - floor);
  return comparison;
}
