/**
 * Two proportions set side by side: a treatment's passes against its control's, each with its Wilson
 * interval, the difference of the rates, and Fisher's exact two-sided p (few trials: no approximation
 * holds). The trial is the unit of repetition (a fork, a run). Pure.
 */
import { differenceOfIntervals, type Estimated } from './difference-of-intervals.js';
import { fisherExact } from './fisher-exact.js';
import { wilsonInterval } from './proportions.js';

/** One proportion: `passed` of `trials`, its rate and 95% Wilson interval (NaN for no trials). */
export interface Proportion {
  trials: number;
  passed: number;
  rate: number;
  interval: [number, number];
}

/** A treatment against its control. */
export interface ProportionDifference {
  treatment: Proportion;
  control: Proportion;
  /** treatment.rate − control.rate. */
  difference: number;
  /** Fisher's exact test, two-sided: how likely a table at most this likely is, were both arms alike. */
  p: number;
}

/** `passed` of `trials` with its Wilson interval. */
export function proportion(passed: number, trials: number): Proportion {
  return { trials, passed, rate: trials === 0 ? NaN : passed / trials, interval: wilsonInterval(passed, trials) };
}

/** A treatment's `passed` of `trials` against a control's; NaN difference and p when either arm is empty. */
export function compareProportions(treatment: { passed: number; trials: number }, control: { passed: number; trials: number }): ProportionDifference {
  const treated = proportion(treatment.passed, treatment.trials);
  const controlled = proportion(control.passed, control.trials);
  return { treatment: treated, control: controlled, difference: treated.rate - controlled.rate, p: fisherExact(control.passed, control.trials, treatment.passed, treatment.trials).twoSided };
}

/**
 * Newcombe's hybrid score interval of a difference of two proportions (his method 10, 1998): each arm's
 * Wilson interval at `level`, combined (difference-of-intervals.ts), so it stays within [−1, 1] and
 * does not collapse when an arm is all passes or none. treatment − control; NaN ends when either arm is empty.
 */
export function differenceInterval(treatment: { passed: number; trials: number }, control: { passed: number; trials: number }, level = 0.95): [number, number] {
  if (treatment.trials === 0 || control.trials === 0) return [NaN, NaN];
  const arm = (side: { passed: number; trials: number }): Estimated => ({ estimate: side.passed / side.trials, interval: wilsonInterval(side.passed, side.trials, level) });
  return differenceOfIntervals(arm(treatment), arm(control));
}

/**
 * The smallest two-sided p Fisher's exact test can give with `trials` a side: every treatment trial
 * passing and no control trial (or the reverse), 2 / C(2n, n). At 3 a side it is 0.1: no
 * difference of three forks against three reaches 5 %; at 4 a side 0.029.
 */
export function smallestFisherP(trials: number): number {
  return trials <= 0 ? NaN : fisherExact(0, trials, trials, trials).twoSided;
}
