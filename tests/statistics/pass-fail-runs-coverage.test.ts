import { describe, expect, test } from 'vitest';
import { passFailStudy } from './pass-fail-study.js';
import { studyStatistics } from '../../src/experiment/study-statistics.js';
import { renderStudy } from '../../src/experiment/study-report.js';
import { intervalCoverage } from '../../src/statistics/coverage.js';
import { cutToRange, SHARE_RANGE } from '../../src/statistics/figure-range.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import { trialsMeanInterval } from '../../src/statistics/runs-interval.js';
import { tInterval } from '../../src/statistics/student-t.js';

/*
 * A pass rate over one check is 0 or 1 in each run, so a variant's pass rate is a proportion of its
 * runs. The report gave it a t interval of the runs cut at [0, 1] (`0.8333 [0.4049, 1] (cut at 1)` for 5
 * runs of 6 passing), and Wilson's only where every run was alike. Measured at 5, 10 and 20 runs and
 * chances 0.7 and 0.9 only, that rule held; measured on a grid of 3 to 30 runs and chances 0.05 to 0.99
 * it fell short at 24 points, down to 0.883 at 10 runs and 0.35. Wilson's of the runs falls short at 33
 * (down to 0.843 at 3 runs and 0.95). Planted runs, each passing with a known chance, are fed to the report's
 * rule (trialsMeanInterval, which studyStatistics calls for the pass rate), 3,000 planted studies a setting,
 * and the intervals that hold the planted chance are counted: the report now gives such a metric
 * Clopper–Pearson's interval, which holds it within chance of 95 % at every point.
 */

const STUDIES = 3000;
const RUNS = [3, 5, 10, 20, 30];
const CHANCES = [...Array.from({ length: 19 }, (_, index) => Number(((index + 1) * 0.05).toFixed(2))), 0.97, 0.99];

/** `runs` runs, each 1 (passed) with chance `chance`, else 0. */
function planted(next: () => number, runs: number, chance: number): number[] {
  return Array.from({ length: runs }, () => (next() < chance ? 1 : 0));
}

/** How often the interval `made` of planted runs holds `chance`, with that share's own Wilson interval. */
function coverage(runs: number, chance: number, made: (values: readonly number[]) => readonly [number, number]) {
  return intervalCoverage(chance, STUDIES, 4100 + 100 * runs + Math.round(100 * chance), (next) => made(planted(next, runs, chance)));
}

/** The settings of the grid where `made` holds the planted chance less than 95 % of the time beyond Monte-Carlo error (the upper end of its share's interval below 0.95), each with its share. */
function short(made: (values: readonly number[]) => readonly [number, number]): string[] {
  return RUNS.flatMap((runs) =>
    CHANCES.flatMap((chance) => {
      const held = coverage(runs, chance, made);
      return held.shareInterval[1] < 0.95 ? [`${runs} runs, ${chance}: ${held.share.toFixed(3)}`] : [];
    }),
  );
}

const report = (values: readonly number[]): readonly [number, number] => trialsMeanInterval(values, SHARE_RANGE).interval!;
const wilson = (values: readonly number[]): readonly [number, number] => wilsonInterval(values.filter((value) => value === 1).length, values.length);
/** The rule the report had: a t interval of the runs cut at [0, 1], Wilson's where every run is alike. */
const cutT = (values: readonly number[]): readonly [number, number] =>
  values.every((value) => value === values[0]) ? wilson(values) : cutToRange(tInterval(values, 0.95), SHARE_RANGE).interval;

describe('a metric whose every run is 0 or 1 (a pass rate over one check)', () => {
  test('at 3, 5, 10, 20 and 30 runs and chances 0.05 to 0.99, the report\'s interval holds the planted chance within chance of 95 % everywhere', () => {
    expect(short(report)).toEqual([]);
  });

  test('the t interval the report had, and Wilson\'s, fall short on that grid', () => {
    expect(short(cutT)).toEqual([
      '3 runs, 0.4: 0.933',
      '3 runs, 0.6: 0.933',
      '5 runs, 0.45: 0.932',
      '5 runs, 0.5: 0.937',
      '5 runs, 0.55: 0.933',
      '10 runs, 0.35: 0.883',
      '10 runs, 0.4: 0.932',
      '10 runs, 0.55: 0.938',
      '10 runs, 0.6: 0.940',
      '10 runs, 0.65: 0.890',
      '20 runs, 0.2: 0.930',
      '20 runs, 0.25: 0.884',
      '20 runs, 0.35: 0.934',
      '20 runs, 0.4: 0.928',
      '20 runs, 0.6: 0.921',
      '20 runs, 0.65: 0.937',
      '20 runs, 0.75: 0.893',
      '20 runs, 0.8: 0.918',
      '30 runs, 0.15: 0.940',
      '30 runs, 0.4: 0.936',
      '30 runs, 0.45: 0.923',
      '30 runs, 0.55: 0.939',
      '30 runs, 0.6: 0.941',
      '30 runs, 0.85: 0.942',
    ]);
    // Wilson's of the runs falls short at 33 points, from 0.843 at 3 runs and 0.95 to 0.942 at 30 runs and 0.05.
    const wilsonShort = short(wilson);
    expect(wilsonShort).toHaveLength(33);
    expect(wilsonShort).toContain('3 runs, 0.95: 0.843');
    expect(wilsonShort).toContain('10 runs, 0.7: 0.914');
  });

  test('report.json and report.md say the pass rate\'s interval is Clopper–Pearson\'s: 5 runs of 6 passing [0.3588, 0.9958], 6 of 6 [0.5407, 1]', () => {
    const { runs, experiment } = passFailStudy({ baseline: [1, 1, 1, 1, 1, 1], changed: [1, 1, 1, 0, 1, 1] });
    const statistics = studyStatistics(experiment, runs);
    const passRate = statistics.metrics.find((metric) => metric.key === 'pass_rate')!;
    expect(passRate.variants.changed).toMatchObject({ mean: 0.833333333, ci: [0.358765421, 0.995789255], method: 'clopper-pearson' });
    expect(passRate.variants.baseline).toMatchObject({ mean: 1, ci: [0.540741874, 1], method: 'clopper-pearson', alike: true });
    expect(statistics.intervals).toContain('Clopper–Pearson');
    const said = renderStudy(statistics, runs, ['baseline', 'changed']).join('\n');
    expect(said).toContain('0.8333 [0.3588, 0.9958]');
    expect(said).toContain('Clopper–Pearson');
  });

  test('report.md says, where it names its methods, that the variants run on the baseline\'s seeds and the tests do not use the pairing, and that each metric keeps its own 5 %', () => {
    const { runs, experiment } = passFailStudy({ baseline: [1, 1, 1, 1, 1, 0], changed: [1, 0, 0, 1, 0, 1] });
    const statistics = studyStatistics(experiment, runs);
    expect(statistics.metrics.find((metric) => metric.key === 'pass_rate')!.variants.changed).toMatchObject({ method: 'clopper-pearson' });
    const said = renderStudy(statistics, runs, ['baseline', 'changed']).find((line) => line.startsWith("Each variant's mean against"))!;
    expect(said).toContain("Every variant runs with the baseline's seeds, so its runs pair with the baseline's, seed by seed; these intervals and tests do not use the pairing, which keeps them valid, if wider than a paired test's.");
    expect(said).toContain('Each metric keeps its own 5 %: over 4 metrics that change nothing, some row may read by chance up to 4 times as often.');
    expect(statistics.intervals).toContain("every variant runs with the baseline's seeds, and these intervals and tests do not use that pairing");
    expect(statistics.intervals).toContain('(each metric at its own 5 %)');
    // A variant run on seeds of its own is not paired with the baseline, and the report does not say it is.
    const unpaired = runs.map((run) => (run.variant === 'changed' ? { ...run, outcome: { ...run.outcome!, seed: run.outcome!.seed + 100 } } : run));
    const saidUnpaired = renderStudy(studyStatistics(experiment, unpaired), unpaired, ['baseline', 'changed']).find((line) => line.startsWith("Each variant's mean against"))!;
    expect(saidUnpaired).not.toContain('seed by seed');
    expect(saidUnpaired).toContain('Each metric keeps its own 5 %');
  });
});
