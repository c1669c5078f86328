/**
 * How often an interval holds the truth, checked by simulation on data whose truth is known: the
 * check every interval lemming prints must pass before a figure is published with it. Pure.
 */
import { seededRandom } from '../random/seeded-random.js';
import { wilsonInterval } from './proportions.js';

/** What a coverage simulation found. */
export interface Coverage {
  /** Simulated data sets, and how many of their intervals held the truth. */
  trials: number;
  covered: number;
  /** covered / trials, with its own 95 % Wilson interval (the trials are independent). */
  share: number;
  shareInterval: [number, number];
  /** The intervals' mean width: an interval that always reaches the truth by being wide shows here. */
  meanWidth: number;
}

/**
 * Draw `trials` data sets with `simulate` (given a seeded generator and the trial's number) and count
 * the intervals it returns that hold `truth` (ends included). An interval with a NaN end counts as missed.
 */
export function intervalCoverage(truth: number, trials: number, seed: number, simulate: (next: () => number, trial: number) => readonly [number, number]): Coverage {
  const next = seededRandom(seed);
  let covered = 0;
  let width = 0;
  for (let trial = 0; trial < trials; trial += 1) {
    const [low, high] = simulate(next, trial);
    if (low <= truth && truth <= high) covered += 1;
    width += high - low;
  }
  return { trials, covered, share: covered / trials, shareInterval: wilsonInterval(covered, trials), meanWidth: width / trials };
}

/** A standard normal draw from a uniform generator (Box–Muller), for simulations. */
export function normalDraw(next: () => number): number {
  const u = 1 - next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}
