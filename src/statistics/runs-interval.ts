/**
 * The 95 % interval of a mean over units (a study's runs, a group's people) as every report gives it:
 * the one rule for values that are all alike. A t interval of values that do not vary has no width,
 * [5, 5], and a count that is usually one value misses its truth far too often that way (a count that
 * is one more in a fifth of runs: 5 runs all alike in a third of studies, each a miss;
 * tests/statistics/alike-runs-coverage.test.ts). Alike values show no spread to build an interval
 * from. Where the figure is bounded (a share 0 to 1, a score 0 to a scale) its variance is at most
 * (mean − low)(high − mean), the variance of a figure that is only ever at its ends, so the Wilson
 * score interval of the units as trials (5 of 5 passing: [0.566, 1]) still holds it; where it is not
 * (a count, credits, a slope), there is none, and the report says so rather than print [x, x].
 * Where the figure is a share of trials and every unit sits at one end or the other (a pass rate over
 * one check: each run 0 or 1), the units are the trials: the Clopper–Pearson interval of them, alike
 * or not (trialsMeanInterval). A t interval of such units, cut at the ends, held its truth in 0.883 of
 * studies at 10 runs and a chance of 0.35, Wilson's in 0.843 at 3 runs and 0.95; Clopper–Pearson's
 * held 95 % at every chance from 0.05 to 0.99 and 3 to 30 runs
 * (tests/statistics/pass-fail-runs-coverage.test.ts).
 * A difference of two such is their two Clopper–Pearson intervals combined (meanDifferenceInterval).
 * Otherwise the t interval (Welch's for a difference), kept within what the figure can be; a
 * difference with one side alike is held by that side's bound as well (meanDifferenceInterval). Pure.
 */
import { cutToRange, differenceRange, type FigureRange } from './figure-range.js';
import { differenceOfIntervals } from './difference-of-intervals.js';
import { clopperPearsonInterval, wilsonInterval } from './proportions.js';
import { tInterval, welchInterval } from './student-t.js';
import { mean } from './summary.js';

/**
 * How an interval was made: a t interval (Welch's, of a difference), the bound a figure's range
 * gives alike values (Wilson's; of a difference, Newcombe's with both sides alike, MOVER's of one
 * side's Wilson and the other's t with one), or Clopper–Pearson's for units each at an end of the
 * figure's range (a pass rate over one check; of a difference of two such, Newcombe's from their
 * Clopper–Pearson limits, `newcombe-clopper-pearson`).
 */
export type IntervalMethod = 't' | 'welch' | 'wilson' | 'newcombe' | 'mover' | 'clopper-pearson' | 'newcombe-clopper-pearson';

/** A mean's (or a difference's) interval as a report keeps it. */
export interface RunsInterval {
  /** Within what the figure can be; null where the units give none: fewer than 2 of them, or every one alike on a figure with no bounds. */
  interval: [number, number] | null;
  /** The ends of what the figure can be a t interval reached past and was cut at; absent when it stayed within. */
  cutAt?: number[];
  /** How it was made; null with no interval. */
  method: IntervalMethod | null;
  /** True when every unit gave the same value (on one side or both, for a difference): absent otherwise. */
  alike?: true;
}

/** What a report says where alike units give no interval: "every run alike (n=5): no interval from the runs" (n of a difference: "5 and 5"). */
export function alikeWords(n: number | string, unit = 'run', units = `${unit}s`): string {
  return `every ${unit} alike (n=${n}): no interval from the ${units}`;
}

/** How far apart, as a share of the largest of them, values may lie and be the same: the rounding of the arithmetic that made them, and no more. */
const ROUNDING = 1e-12;

/**
 * Whether every value is the same (two or more of them), up to the rounding of the arithmetic that
 * made them: each person's accuracy less their floor, one question of five above it, is 0.2, and in
 * floating point 0.19999999999999996, 0.2 or 0.20000000000000007; taken as different, their t
 * interval was `[0.200, 0.200]` (tests/calibrate/people-alike-weighted.test.ts).
 */
export function allAlike(values: readonly number[]): boolean {
  if (values.length < 2) return false;
  const first = values[0]!;
  const scale = values.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
  return values.every((value) => value === first || Math.abs(value - first) <= ROUNDING * scale);
}

function finite(range: FigureRange): boolean {
  return Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[1] > range[0];
}

/** `value` of `range` as a share of it, 0 at its low end, 1 at its high end. */
function shareOf(value: number, range: FigureRange): number {
  return Math.min(1, Math.max(0, (value - range[0]) / (range[1] - range[0])));
}

/** A t interval as a report keeps it: cut to `range`, or none where an end is not a number. */
function kept(pair: [number, number], range: FigureRange, method: IntervalMethod): RunsInterval {
  if (!pair.every(Number.isFinite)) return { interval: null, method: null };
  const { interval, cutAt } = cutToRange(pair, range);
  return { interval, method, ...(cutAt ? { cutAt } : {}) };
}

/** The 95 % interval (`level` unless said) of the mean of `values`, one a unit, of a figure within `range`. */
export function meanInterval(values: readonly number[], range: FigureRange, level = 0.95): RunsInterval {
  if (!allAlike(values)) return kept(tInterval(values, level), range, 't');
  return alikeInterval(values[0]!, values.length, range, level);
}

/**
 * The 95 % interval (`level` unless said) of the mean of `values`, one a unit, of a figure that is a
 * share of trials where each unit is one (a pass rate: each run over one check passes, 1, or fails, 0):
 * where every unit is at one end of a bounded `range` or the other, alike or not, Clopper–Pearson's
 * interval of them as trials; otherwise meanInterval's.
 */
export function trialsMeanInterval(values: readonly number[], range: FigureRange, level = 0.95): RunsInterval {
  if (values.length < 2 || !finite(range) || !values.every((value) => atEnd(value, range))) return meanInterval(values, range, level);
  const high = values.filter((value) => Math.abs(value - range[1]) < Math.abs(value - range[0])).length;
  const [low, top] = clopperPearsonInterval(high, values.length, level);
  const width = range[1] - range[0];
  return { interval: [range[0] + low * width, range[0] + top * width], method: 'clopper-pearson', ...(allAlike(values) ? { alike: true as const } : {}) };
}

/** Whether `value` is one of `range`'s ends, up to the rounding of the arithmetic that made it. */
function atEnd(value: number, range: FigureRange): boolean {
  return range.some((end) => Math.abs(value - end) <= ROUNDING * Math.max(1, Math.abs(end)));
}

/**
 * The interval of `value` where its `n` units (an effective size may be fractional) all gave it: the
 * Wilson interval of them as trials on a bounded `range`, or none.
 */
export function alikeInterval(value: number, n: number, range: FigureRange, level = 0.95): RunsInterval {
  if (!finite(range)) return { interval: null, method: null, alike: true };
  const [low, high] = wilsonInterval(shareOf(value, range) * n, n, level);
  const width = range[1] - range[0];
  return { interval: [range[0] + low * width, range[0] + high * width], method: 'wilson', alike: true };
}

/**
 * The 95 % interval (`level` unless said) of mean(b) − mean(a), each a set of units of a figure within
 * `range`: Welch's t, kept within what a difference can be. Where the units of one side or both are
 * alike, Welch's t would take that side as known, without spread (a pass rate of 0.8 in both, 10
 * runs a side: one side all passing in a fifth of studies, and the difference held its truth in 187
 * of 206 of them; tests/statistics/one-side-alike-coverage.test.ts), so on a bounded range each
 * side's own interval (meanInterval: the alike side's Wilson, the other's t) is combined into the
 * difference's (difference-of-intervals.ts: Newcombe's with both sides alike, MOVER with one), and
 * on a range with no bounds there is none, as there is none for the alike side. `sideInterval` is
 * the rule each side's own interval is given by (trialsMeanInterval for a pass rate), so the
 * difference is built from the intervals the report shows beside it. Where both sides' own are
 * Clopper–Pearson's (a pass rate over one check, each run 0 or 1), alike or not, they are combined
 * too: Newcombe's hybrid score interval from Clopper–Pearson limits. Welch's t of such runs held the
 * planted difference in 0.916 at worst (10 and 30 runs, chances 0.35 and 0.05); the combined
 * interval in 0.925 at worst (3 and 3 runs, 0.1 and 0.9), below 95 % only with 5 runs a side or
 * fewer and chances 0.75 or more apart, exactly over 3 to 30 runs and chances 0.05 to 0.95 a side
 * (tests/statistics/pass-rate-difference-coverage.test.ts).
 */
export function meanDifferenceInterval(a: readonly number[], b: readonly number[], range: FigureRange, level = 0.95, sideInterval: typeof meanInterval = meanInterval): RunsInterval {
  if (a.length < 2 || b.length < 2) return kept(welchInterval(a, b, level), differenceRange(range), 'welch');
  const [ownA, ownB] = [sideInterval(a, range, level), sideInterval(b, range, level)];
  const trials = ownA.method === 'clopper-pearson' && ownB.method === 'clopper-pearson';
  const alike = allAlike(a) || allAlike(b);
  if (!trials && !alike) return kept(welchInterval(a, b, level), differenceRange(range), 'welch');
  if (!finite(range)) return { interval: null, method: null, alike: true };
  const interval = differenceOfIntervals({ estimate: mean(b), interval: ownB.interval ?? [NaN, NaN] }, { estimate: mean(a), interval: ownA.interval ?? [NaN, NaN] });
  if (!interval.every(Number.isFinite)) return { interval: null, method: null };
  const method: IntervalMethod = trials ? 'newcombe-clopper-pearson' : allAlike(a) && allAlike(b) ? 'newcombe' : 'mover';
  return { interval, method, ...(alike ? { alike: true as const } : {}) };
}
