import { basicBootstrap } from '../statistics/bootstrap.js';
import { jointErrorBounds, normInterval } from '../statistics/norm-interval.js';
import { bootstrapShares, countBootstrap, pooledCountTest, type CountSample } from '../statistics/sampling.js';
import { seedOf } from '../statistics/seeds.js';
import { mean } from '../statistics/summary.js';
import { distanceFor, normFor, shareDifference, sharesOf } from './distribution-distance.js';

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
   * most at small n), with its 95% interval: the plug-in distance ± the bootstrap's 95th percentile of
   * the norm of its error (norm-interval.ts), both sides resampled at their own sizes. A simulation
   * whose agents answer as the real people do has a distance of 0 at any panel size.
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
  /**
   * 100·(random − distance)/random: 100 % answers as the real people do, 0 % no better than at random.
   * Its interval carries both figures' noise: the distance and the random baseline each bounded by its
   * error, both bounds holding together in 95 % of the bootstrap's rounds, and the ratio's extremes
   * over them.
   */
  progress?: Estimate;
  /**
   * The p-value of "the simulated and the real answers come from one distribution" (a parametric
   * bootstrap: both sides drawn at their sizes from their pooled answers). Where it is 0.05 or more the
   * data cannot tell the simulation from the real people, and the distance's interval reaches 0.
   */
  pSame?: number;
}

/** What a question's progress is made of, kept for the report's overall line (never written out): plug-in figures and each bootstrap round's error norms. */
export interface ProgressParts {
  distance: number;
  random: number;
  distanceErrors: readonly number[];
  randomErrors: readonly number[];
  /** The bias-corrected figures the progress's value is made from. */
  distanceValue: number;
  randomValue: number;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/**
 * Progress from random with its interval, over one question or the mean of several (`parts`, their
 * bootstrap rounds drawn apart: a question's people and agents resampled on their own): each round's
 * error norms averaged over the questions, bounds on the distance's and the random baseline's error
 * that hold together in 95 % of rounds, and the progress at the ends of both ranges. `lowest` lowers
 * the distance's range to 0 where a test cannot tell the two apart. Undefined where the random
 * baseline is 0 (every option alike in the real answers: nothing to make progress from).
 */
export function progressFrom(parts: readonly ProgressParts[], lowest?: number): Estimate | undefined {
  const scale = mean(parts.map((part) => part.randomValue));
  if (parts.length === 0 || !(scale > 1e-9)) return undefined;
  const rounds = Math.min(...parts.map((part) => Math.min(part.distanceErrors.length, part.randomErrors.length)));
  const averaged = (pick: (part: ProgressParts) => readonly number[]): number[] => Array.from({ length: rounds }, (_, round) => mean(parts.map((part) => pick(part)[round]!)));
  const [distanceBound, randomBound] = jointErrorBounds([averaged((part) => part.distanceErrors), averaged((part) => part.randomErrors)]) as [number, number];
  const distance = mean(parts.map((part) => part.distance));
  const random = mean(parts.map((part) => part.random));
  const [nearest, farthest] = [lowest ?? Math.max(0, distance - distanceBound), Math.min(1, distance + distanceBound)];
  const [smallest, largest] = [Math.max(0, random - randomBound), random + randomBound];
  const progress = (from: number, to: number): number => (to <= 0 ? -Infinity : 100 * (1 - from / to));
  return { value: progress(mean(parts.map((part) => part.distanceValue)), scale), interval: [progress(farthest, smallest), progress(nearest, largest)] };
}

/**
 * Compare simulated answers with real ones for one question in one group. `real` is counts (or
 * shares, with `realIsCounts` false: then the real side is taken as exact and is not resampled);
 * `simulated` is counts; `everyone`, for a group that is not everyone, the real answers of all the
 * reference's people (for the persona-ignoring baseline). Every draw comes from `seed`, so the same
 * inputs give the same figures. The progress's parts come back beside it, for the overall line. Pure.
 */
export function compareAnswersWithParts(real: readonly number[], realIsCounts: boolean, simulated: readonly number[], ordered: boolean, seed: number, everyone?: readonly number[]): { comparison: Comparison; parts?: ProgressParts } {
  const distance = distanceFor(ordered);
  const norm = normFor(ordered);
  const realShares = sharesOf(real);
  const simulatedShares = sharesOf(simulated);
  const everyoneShares = sharesOf(everyone ?? real);
  const realN = realIsCounts ? sum(real) : 0;
  const simulatedN = sum(simulated);
  const uniform = real.map(() => 1 / real.length);
  // The error of an estimated difference of shares in a round: the round's difference less the observed one, in the distance's norm.
  const error = (a: readonly number[], b: readonly number[], observed: readonly number[]): number => norm(shareDifference(a, b).map((value, index) => value - observed[index]!));
  const [simulatedGap, randomGap, everyoneGap] = [shareDifference(realShares, simulatedShares), shareDifference(realShares, uniform), shareDifference(realShares, everyoneShares)];
  // Each round: the real people, the agents and everyone drawn again at their own sizes (shares as they are).
  const samples: CountSample[] = [{ counts: real, exact: !realIsCounts }, { counts: simulated }, ...(everyone ? [{ counts: everyone, exact: !realIsCounts }] : [])];
  // What each side is drawn from: its own shares, or its Wilson centre where its people all answered alike.
  const [realCentre, simulatedCentre, everyoneCentre] = samples.map(bootstrapShares);
  const rounds = countBootstrap(
    samples,
    ([realDrawn, simulatedDrawn, everyoneDrawn]) => [
      simulatedN > 0 ? distance(realDrawn!, simulatedDrawn!) : NaN,
      distance(realDrawn!, uniform),
      everyone ? distance(realDrawn!, everyoneDrawn!) : NaN,
      simulatedN > 0 ? error(realDrawn!, simulatedDrawn!, simulatedGap) : NaN,
      error(realDrawn!, uniform, randomGap),
      everyone ? error(realDrawn!, everyoneDrawn!, everyoneGap) : NaN,
    ],
    CALIBRATION_RESAMPLES,
    seed,
  );
  const column = (index: number): number[] => rounds.map((round) => round[index] as number);
  // The value is the bootstrap's bias-corrected estimate (its bias measured from the figure of what it drew from); the interval bounds the plug-in figure by its error's norm.
  const estimate = (observed: number, values: number, errors: number, centre: number): Estimate => ({ value: basicBootstrap(observed, column(values), [0, 1], centre).value, interval: normInterval(observed, column(errors)) });
  const observed = simulatedN > 0 ? distance(realShares, simulatedShares) : NaN;
  const randomObserved = distance(realShares, uniform);
  const comparison: Comparison = {
    real: realN,
    simulated: simulatedN,
    realShares,
    simulatedShares,
    distance: simulatedN > 0 ? estimate(observed, 0, 3, distance(realCentre!, simulatedCentre!)) : { value: NaN, interval: [NaN, NaN] },
    random: estimate(randomObserved, 1, 4, distance(realCentre!, uniform)),
  };
  if (everyone) comparison.overall = estimate(distance(realShares, everyoneShares), 2, 5, distance(realCentre!, everyoneCentre!));
  if (realIsCounts && simulatedN > 0) {
    comparison.pSame = pooledCountTest(real, simulated, distance, CALIBRATION_RESAMPLES, seedOf(`${seed}:one distribution`));
    // Where the test cannot tell the two apart, 0 stays in the interval (inverting the test).
    if (comparison.pSame >= 0.05) comparison.distance.interval[0] = 0;
  }
  if (simulatedN === 0) return { comparison };
  const parts: ProgressParts = { distance: observed, random: randomObserved, distanceErrors: column(3), randomErrors: column(4), distanceValue: comparison.distance.value, randomValue: comparison.random.value };
  const progress = progressFrom([parts], comparison.distance.interval[0] === 0 ? 0 : undefined);
  if (progress) comparison.progress = progress;
  return { comparison, parts };
}

/** compareAnswersWithParts' comparison alone. Pure. */
export function compareAnswers(real: readonly number[], realIsCounts: boolean, simulated: readonly number[], ordered: boolean, seed: number, everyone?: readonly number[]): Comparison {
  return compareAnswersWithParts(real, realIsCounts, simulated, ordered, seed, everyone).comparison;
}
