import { basicBootstrap } from '../statistics/bootstrap.js';
import { countBootstrap, pooledCountTest } from '../statistics/sampling.js';
import { seedOf } from '../statistics/seeds.js';
import { distanceFor } from './distribution-distance.js';

/** How many resamples each interval draws. */
export const CALIBRATION_RESAMPLES = 1000;

/** A figure with its 95% interval. */
export interface Estimate {
  value: number;
  interval: [number, number];
}

/** One question in one group: the simulated answers against the real ones, beside the baselines. */
export interface Comparison {
  /** People in the real data, and agents who gave a readable answer. */
  real: number;
  simulated: number;
  /** The shares of each option, in the options' order. */
  realShares: number[];
  simulatedShares: number[];
  /**
   * Simulated against real: the distance between the two populations the answers were drawn from,
   * bias-corrected (a distance between two samples is above the distance between their populations,
   * most at small n), with its 95% basic bootstrap interval, both sides resampled at their own sizes.
   * A simulation whose agents answer as the real people do has a distance of 0 at any panel size.
   */
  distance: Estimate;
  /** Answers at random, each option alike, against the real ones: the same estimate, with nothing to resample on the uniform side. */
  random: Estimate;
  /**
   * The persona-ignoring baseline, for a group other than everyone: this group's real answers against
   * everyone's, the distance a simulation that answered every group with the overall answers would
   * have. A simulated group no nearer than this says nothing of what its personas add.
   */
  overall?: Estimate;
  /** 100·(random − distance)/random, with the interval the distance's gives it: 100 % answers as the real people do, 0 % no better than at random. */
  progress?: Estimate;
  /**
   * The p-value of "the simulated and the real answers come from one distribution" (a parametric
   * bootstrap: both sides drawn at their sizes from their pooled answers). Where it is 0.05 or more the
   * data cannot tell the simulation from the real people, and the distance's interval reaches 0.
   */
  pSame?: number;
}

function sharesOf(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, value) => sum + value, 0);
  return counts.map((value) => (total === 0 ? 0 : value / total));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/**
 * Compare simulated answers with real ones for one question in one group. `real` is counts (or
 * shares, with `realIsCounts` false: then the real side is taken as exact and is not resampled);
 * `simulated` is counts; `everyone`, for a group that is not everyone, the real answers of all the
 * reference's people (for the persona-ignoring baseline). Every draw comes from `seed`, so the same
 * inputs give the same figures. Pure.
 */
export function compareAnswers(real: readonly number[], realIsCounts: boolean, simulated: readonly number[], ordered: boolean, seed: number, everyone?: readonly number[]): Comparison {
  const distance = distanceFor(ordered);
  const realShares = sharesOf(real);
  const simulatedShares = sharesOf(simulated);
  const realN = realIsCounts ? sum(real) : 0;
  const simulatedN = sum(simulated);
  const uniform = real.map(() => 1 / real.length);
  // Each round: the real people, the agents and everyone drawn again at their own sizes (shares as they are).
  const rounds = countBootstrap(
    [{ counts: real, exact: !realIsCounts }, { counts: simulated }, { counts: everyone ?? real, exact: !realIsCounts }],
    ([realDrawn, simulatedDrawn, everyoneDrawn]) => [
      simulatedN > 0 ? distance(realDrawn!, simulatedDrawn!) : NaN,
      distance(realDrawn!, uniform),
      everyone ? distance(realDrawn!, everyoneDrawn!) : NaN,
    ],
    CALIBRATION_RESAMPLES,
    seed,
  );
  const column = (index: number): number[] => rounds.map((round) => round[index] as number);
  const unit: [number, number] = [0, 1];
  const observed = simulatedN > 0 ? distance(realShares, simulatedShares) : NaN;
  const comparison: Comparison = {
    real: realN,
    simulated: simulatedN,
    realShares,
    simulatedShares,
    distance: simulatedN > 0 ? basicBootstrap(observed, column(0), unit) : { value: NaN, interval: [NaN, NaN] },
    random: basicBootstrap(distance(realShares, uniform), column(1), unit),
  };
  if (everyone) comparison.overall = basicBootstrap(distance(realShares, sharesOf(everyone)), column(2), unit);
  if (realIsCounts && simulatedN > 0) {
    comparison.pSame = pooledCountTest(real, simulated, distance, CALIBRATION_RESAMPLES, seedOf(`${seed}:one distribution`));
    // Near 0 the basic interval's lower end leans on a bias estimate that is itself noisy: where the test
    // cannot tell the two apart, 0 stays in the interval (inverting the test), as the coverage check needs.
    if (comparison.pSame >= 0.05) comparison.distance.interval[0] = 0;
  }
  const scale = comparison.random.value;
  if (scale > 1e-9 && simulatedN > 0) {
    const progress = (value: number): number => (100 * (scale - value)) / scale;
    comparison.progress = { value: progress(comparison.distance.value), interval: [progress(comparison.distance.interval[1]), progress(comparison.distance.interval[0])] };
  }
  return comparison;
}
