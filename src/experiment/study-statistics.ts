import { nameRecord } from '../org/names.js';
import type { Experiment } from './experiment-file.js';
import type { RunMetrics } from './run-metrics.js';
import { holm } from '../statistics/family-wise-error.js';
import { permutationTest } from '../statistics/permutation-test.js';
import { ANY_RANGE, NON_NEGATIVE_RANGE, SHARE_RANGE, type FigureRange } from '../statistics/figure-range.js';
import { meanDifferenceInterval, meanInterval, trialsMeanInterval, type RunsInterval } from '../statistics/runs-interval.js';
import { passAtK, passHatK } from '../statistics/proportions.js';
import { seedOf } from '../statistics/seeds.js';
import { FIGURE_PLACES, mean, spreadOrNone, tidy, tidyPair } from '../statistics/summary.js';

/** Which way a metric is better, or null for a count that is neither (more messages are more information flowing, or more noise: the study says which). */
export type Better = 'higher' | 'lower' | null;

/** The metrics every run is measured by, in the order a report shows them, and which way is better. */
export const METRICS = [
  // Unbounded here; 0 to the judge's scale when a judge scored every run (rangeOver).
  { key: 'score', label: 'score', better: 'higher', about: "the judge's score, else the mean of the numbers the checks printed last; a run with neither (its checks failed before printing one, or its judge gave no score) is left out, so its n counts the runs scored, not the runs", range: ANY_RANGE },
  // Over one check a run passes or fails: its runs are trials (trialsMeanInterval).
  { key: 'pass_rate', label: 'pass rate', better: 'higher', about: 'the share of the checks that passed', range: SHARE_RANGE, trials: true },
  { key: 'credits', label: 'credits', better: 'lower', about: 'what the agents spent', range: NON_NEGATIVE_RANGE },
  { key: 'turns_to_answer', label: 'turns to answer', better: 'lower', about: 'the turn of the first message to the human (runs without one left out)', range: NON_NEGATIVE_RANGE },
  { key: 'messages', label: 'messages', better: null, about: 'messages the agents sent (neither more nor fewer is better in itself)', range: NON_NEGATIVE_RANGE },
  { key: 'refusals', label: 'refusals', better: 'lower', about: 'sends refused, by the chart and the per-turn cap (each cause apart in runs.csv)', range: NON_NEGATIVE_RANGE },
] as const satisfies ReadonlyArray<{ key: string; label: string; better: Better; about: string; range: FigureRange; trials?: true }>;

/** One metric's key. */
export type MetricKey = (typeof METRICS)[number]['key'];

/** How every interval and test of the metrics is made: said in report.json and the report. */
export const INTERVALS = "95% Student t interval of the mean over each variant's runs (a run is one value); a difference's by Welch's t; each kept within what the metric can be (a judged score 0 to the judge's scale, a pass rate 0 to 1, a count or credits 0 and above), `cutAt` saying where one reached past and was cut; where every run of a variant is at one end of a pass rate or the other (a pass rate over one check: each run 0 or 1, alike or not), the Clopper–Pearson interval of its runs as trials (`clopper-pearson`), which holds 95 % at any pass rate where the t interval and Wilson's fall short, and a difference of two such pass rates Newcombe's hybrid score interval from the two sides' Clopper–Pearson limits (`newcombe-clopper-pearson`), which held 95 % less 2.5 points at 3 to 30 runs a side where Welch's t fell to 91.6 %; otherwise, where every run of a variant gave the same value (`alike`), a t interval would have no width: a bounded metric (a pass rate, a judged score) has the Wilson interval of its runs as trials (a difference with such a side, each side's own interval combined: Newcombe's with both sides alike, MOVER with one), any other none (null, a difference with such a side too); every variant runs with the baseline's seeds, and these intervals and tests do not use that pairing; p: a two-sided permutation test of the runs; adjusted p: p adjusted by Holm's step-down for the variants compared with the baseline on the same metric, which a difference's reading uses (each metric at its own 5 %)";

/** A run's value of each metric; absent where it has none (no judge, no checks, no answer). */
export interface RunValues {
  run: string;
  variant: string;
  seed: number | null;
  values: Partial<Record<MetricKey, number>>;
}

/** One metric of one variant. */
export interface MetricSummary {
  n: number;
  mean: number | null;
  sd: number | null;
  /**
   * 95% t interval of the mean over the runs, kept within what the metric can be; where every run of a
   * pass rate is 0 or 1 (a pass rate over one check), the Clopper–Pearson interval of the runs as trials; else where every run gave the same value, a bounded metric's Wilson interval
   * over the runs; null with fewer than 2 runs, or runs all alike on a metric with no upper bound (a
   * count, credits): they show no spread to build one from.
   */
  ci: [number, number] | null;
  /** The ends of what the metric can be (1 for a pass rate, 0 for a count) its t interval reached past and was cut at; absent when it stayed within. */
  cutAt?: number[];
  /** How `ci` was made: `t`; `clopper-pearson` for a pass rate whose every run is 0 or 1; `wilson` for other runs all alike on a bounded metric; absent with no interval. */
  method?: 't' | 'wilson' | 'clopper-pearson';
  /** True when every run (two or more) gave the same value; absent otherwise. */
  alike?: true;
}

/** One variant against the baseline on one metric. */
export interface Comparison {
  /** mean(variant) − mean(baseline). */
  difference: number;
  /**
   * 95% Welch t interval of the difference, kept within what a difference can be (−1 to 1 for pass
   * rates); where every run of one side or both is alike, on a bounded metric each side's own interval
   * combined (Newcombe's with both alike, MOVER with one); where every run of both sides is 0 or 1 (a
   * pass rate over one check), alike or not, their Clopper–Pearson intervals combined (Newcombe's
   * hybrid score interval from Clopper–Pearson limits); null with fewer than 2 runs on either side,
   * or a side alike on a metric with no upper bound.
   */
  ci: [number, number] | null;
  /** The ends its Welch interval reached past and was cut at; absent when it stayed within. */
  cutAt?: number[];
  /** How `ci` was made: `welch`; `newcombe-clopper-pearson` for two pass rates whose every run is 0 or 1, alike or not; on a bounded metric otherwise `newcombe` for both sides alike, `mover` for one side alike (its Wilson interval with the other side's own); absent with no interval. */
  method?: 'welch' | 'newcombe' | 'mover' | 'newcombe-clopper-pearson';
  /** True when every run of one side or both gave one value; absent otherwise. */
  alike?: true;
  /** Two-sided permutation test of the runs. */
  p: number;
  /**
   * p adjusted for every variant compared with the baseline on this metric (Holm's step-down,
   * statistics/family-wise-error.ts): with many variants, one of them reads as a difference by its
   * noise alone far more often than 5 %. The reading uses it; with one variant it is p.
   */
  adjustedP: number;
}

/** pass@k and pass^k of a variant's checks, averaged over the checks, for k = 1…n. */
export interface PassK {
  k: number;
  passAtK: number;
  passHatK: number;
}

/** Everything the report says about the numbers. */
export interface StudyStatistics {
  /** What every test is seeded from (the experiment's `seed`). */
  seed: number;
  /** How the intervals and tests are made (INTERVALS). */
  intervals: string;
  baseline: string;
  metrics: Array<{
    key: MetricKey;
    label: string;
    better: Better;
    variants: Record<string, MetricSummary & { versusBaseline?: Comparison }>;
  }>;
  passK: Record<string, PassK[]>;
  runs: RunValues[];
}

/**
 * What a metric can be over these runs: its own range, but for the score, 0 to the judge's scale when
 * a judge scored every run that has a score (the largest scale where variants judge on different ones;
 * widened to a score outside it, which a judge should not give); unbounded when a check's printed
 * score is among them, since lemming knows no bounds of a check's. Pure.
 */
function rangeOver(metric: (typeof METRICS)[number], runs: readonly RunMetrics[]): FigureRange {
  if (metric.key !== 'score') return metric.range;
  let [low, high] = [0, -Infinity];
  for (const run of runs) {
    const judge = run.outcome?.judge;
    if (judge && judge.score !== null) {
      [low, high] = [Math.min(low, judge.score), Math.max(high, judge.scale, judge.score)];
      continue;
    }
    if (runValues(run).values.score !== undefined) return ANY_RANGE;
  }
  return high === -Infinity ? ANY_RANGE : [low, high];
}

/** A run's value of each metric, from its metrics and outcome. Pure. */
export function runValues(run: RunMetrics): RunValues {
  const values: RunValues['values'] = {};
  const outcome = run.outcome;
  const checkScores = (outcome?.checks ?? []).flatMap((check) => (check.score === null ? [] : [check.score]));
  if (outcome?.judge && outcome.judge.score !== null) values.score = outcome.judge.score;
  else if (checkScores.length > 0) values.score = mean(checkScores);
  if (outcome && outcome.checks.length > 0) values.pass_rate = outcome.checks.filter((check) => check.passed).length / outcome.checks.length;
  values.credits = run.credits;
  if (run.humanAnswer) values.turns_to_answer = run.humanAnswer.turn;
  values.messages = run.messages;
  values.refusals = run.refusals;
  return { run: run.run, variant: run.variant, seed: outcome?.seed ?? null, values };
}

/** The places its figures are given to: those of every experiment figure over runs. */
const PLACES = FIGURE_PLACES;

/** An interval as the report keeps it (statistics/runs-interval.ts), to its places; null where there is none (fewer than 2 runs, or runs alike with no bound). */
function interval<Method extends string>(made: RunsInterval): { ci: [number, number] | null; cutAt?: number[]; method?: Method; alike?: true } {
  return {
    ci: made.interval === null ? null : tidyPair(made.interval, PLACES),
    ...(made.cutAt ? { cutAt: made.cutAt } : {}),
    ...(made.method ? { method: made.method as Method } : {}),
    ...(made.alike ? { alike: true as const } : {}),
  };
}

/** The runs' standard deviation to the report's places; none with fewer than 2 runs (one run shows no spread). */
function spreadOf(values: readonly number[]): number | null {
  const spread = spreadOrNone(values);
  return spread === null ? null : tidy(spread, PLACES);
}

/** The pass@k and pass^k of one variant's runs, averaged over its checks (each check a task, each run a trial). */
function passK(runs: readonly RunMetrics[]): PassK[] {
  const trials = new Map<string, { n: number; c: number }>();
  for (const run of runs) {
    for (const check of run.outcome?.checks ?? []) {
      const task = trials.get(check.name) ?? { n: 0, c: 0 };
      task.n += 1;
      if (check.passed) task.c += 1;
      trials.set(check.name, task);
    }
  }
  if (trials.size === 0) return [];
  const n = Math.min(...[...trials.values()].map((task) => task.n));
  return Array.from({ length: n }, (_, index) => {
    const k = index + 1;
    const tasks = [...trials.values()];
    return { k, passAtK: tidy(mean(tasks.map((task) => passAtK(task.n, task.c, k))), PLACES), passHatK: tidy(mean(tasks.map((task) => passHatK(task.n, task.c, k))), PLACES) };
  });
}

/**
 * The report's statistics: for every metric and variant, n, mean, sd and a 95% t interval over its
 * runs (the run is the unit: a percentile bootstrap over 3 to 5 runs covers far less than 95 %,
 * src/statistics/student-t.ts); every variant after the first (the baseline) against it: the
 * difference of means with its Welch t interval (a pass rate of 0/1 runs: Newcombe's from the sides'
 * Clopper–Pearson limits) and a permutation test's p, seeded from the
 * experiment's seed and what it is of (`"<seed>:<metric>:<baseline>:<variant>"`). Pure.
 */
export function studyStatistics(experiment: Experiment, runs: readonly RunMetrics[]): StudyStatistics {
  const seed = experiment.variants[0]?.outcome.seed ?? 1;
  const baseline = experiment.variants[0]?.name ?? '';
  const values = runs.map(runValues);
  const sample = (variant: string, key: MetricKey): number[] => values.filter((run) => run.variant === variant).flatMap((run) => (run.values[key] === undefined ? [] : [run.values[key]]));
  const metrics = METRICS.map((metric) => {
    const range = rangeOver(metric, runs);
    const ownInterval = 'trials' in metric ? trialsMeanInterval : meanInterval;
    // Keyed by variant names (a variant may be called "constructor"): no prototype, see org/names.ts.
    const variants: StudyStatistics['metrics'][number]['variants'] = nameRecord();
    const base = sample(baseline, metric.key);
    for (const variant of experiment.variants) {
      const own = sample(variant.name, metric.key);
      const summary: MetricSummary = own.length === 0 ? { n: 0, mean: null, sd: null, ci: null } : { n: own.length, mean: tidy(mean(own), PLACES), sd: spreadOf(own), ...interval<NonNullable<MetricSummary['method']>>(ownInterval(own, range)) };
      const compared = variant.name !== baseline && own.length > 0 && base.length > 0;
      const key = `${seed}:${metric.key}:${baseline}:${variant.name}`;
      variants[variant.name] = compared
        ? { ...summary, versusBaseline: { difference: tidy(mean(own) - mean(base), PLACES), ...interval<NonNullable<Comparison['method']>>(meanDifferenceInterval(base, own, range, 0.95, ownInterval)), p: tidy(permutationTest(base, own, seedOf(key)), PLACES), adjustedP: NaN } }
        : summary;
    }
    // The variants compared on this metric are one family: each p adjusted for the others.
    const compared = Object.values(variants).flatMap((summary) => (summary.versusBaseline ? [summary.versusBaseline] : []));
    const adjusted = holm(compared.map((comparison) => comparison.p));
    for (const [index, comparison] of compared.entries()) comparison.adjustedP = tidy(adjusted[index]!, PLACES);
    return { key: metric.key, label: metric.label, better: metric.better, variants };
  }).filter((metric) => Object.values(metric.variants).some((summary) => summary.n > 0));
  const passKs: Record<string, PassK[]> = nameRecord();
  for (const variant of experiment.variants) {
    const table = passK(runs.filter((run) => run.variant === variant.name));
    if (table.length > 0) passKs[variant.name] = table;
  }
  return { seed, intervals: INTERVALS, baseline, metrics, passK: passKs, runs: values };
}
