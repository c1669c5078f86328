import { describe, expect, test } from 'vitest';
import { passFailStudy } from './pass-fail-study.js';
import { experimentTables } from '../../src/experiment/experiment-tables.js';
import { studyStatistics } from '../../src/experiment/study-statistics.js';
import { renderStudy } from '../../src/experiment/study-report.js';
import { SHARE_RANGE } from '../../src/statistics/figure-range.js';
import { choose } from '../../src/statistics/proportions.js';
import { meanDifferenceInterval, trialsMeanInterval } from '../../src/statistics/runs-interval.js';

/*
 * A difference of two pass rates over one check: each run of each variant is 0 or 1, so each side is a
 * binomial count of its runs, and the interval the report gives depends on the two counts only. Its
 * coverage is then exact: for every count of each side, the chance of that pair of counts, summed over
 * the pairs whose interval holds the planted difference. The grid: 3, 5, 10, 20 and 30 runs on each
 * side (25 pairs), chances 0.05 to 0.95 on each side, equal ones included (361 pairs): 9,025 settings.
 * The report's rule (meanDifferenceInterval with the pass rate's own trialsMeanInterval, as
 * studyStatistics calls it) must hold the planted difference at least 95 % less TOLERANCE everywhere.
 * Before, where neither side's runs were alike, it was Welch's t of the runs, cut at −1 and 1: below
 * 95 % at 1,107 of the settings, below 92.5 % at 6 ('10 and 30 runs, 0.35 and 0.05: 0.9159', the
 * same mirrored; '20 and 20 runs, 0.2 and 0.8: 0.9248' and mirrored); 1.029 wide on average. Of the
 * intervals for a difference of proportions, on this grid Newcombe's hybrid score interval from
 * Wilson limits fell to 0.865 (4,112 settings below 95 %, 0.701 wide), Agresti–Caffo's to 0.906
 * (1,499, 0.744 wide), Newcombe's from Clopper–Pearson limits to 0.925 (26, 0.837 wide): the report
 * now gives that one, the sides' own intervals combined as they already were where one was alike.
 */

const TOLERANCE = 0.025;
const RUNS = [3, 5, 10, 20, 30];
const CHANCES = Array.from({ length: 19 }, (_, index) => Number(((index + 1) * 0.05).toFixed(2)));

/** `passed` runs of `runs` passing (1), the rest failing (0): the interval depends on the count alone. */
function runsOf(passed: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, index) => (index < passed ? 1 : 0));
}

/** The binomial chance of `passed` of `runs` at `chance`. */
function binomial(passed: number, runs: number, chance: number): number {
  return choose(runs, passed) * chance ** passed * (1 - chance) ** (runs - passed);
}

type Made = (baseline: readonly number[], changed: readonly number[]) => readonly [number, number] | null;

interface Setting {
  baselineRuns: number;
  changedRuns: number;
  baselineChance: number;
  changedChance: number;
  /** The exact chance the interval holds changedChance − baselineChance (ends included). */
  coverage: number;
  /** The interval's expected width; an interval with none counts as 2 (it says nothing). */
  width: number;
}

/** The exact coverage and expected width of `made` at every setting of the grid. */
function grid(made: Made): Setting[] {
  const settings: Setting[] = [];
  for (const baselineRuns of RUNS) {
    for (const changedRuns of RUNS) {
      const intervals = Array.from({ length: baselineRuns + 1 }, (_, base) => Array.from({ length: changedRuns + 1 }, (_, changed) => made(runsOf(base, baselineRuns), runsOf(changed, changedRuns))));
      for (const baselineChance of CHANCES) {
        for (const changedChance of CHANCES) {
          const truth = changedChance - baselineChance;
          let coverage = 0;
          let width = 0;
          for (const [base, row] of intervals.entries()) {
            for (const [changed, interval] of row.entries()) {
              const chance = binomial(base, baselineRuns, baselineChance) * binomial(changed, changedRuns, changedChance);
              if (interval && interval[0] <= truth && truth <= interval[1]) coverage += chance;
              width += chance * (interval ? interval[1] - interval[0] : 2);
            }
          }
          settings.push({ baselineRuns, changedRuns, baselineChance, changedChance, coverage, width });
        }
      }
    }
  }
  return settings;
}

const said = (setting: Setting): string => `${setting.baselineRuns} and ${setting.changedRuns} runs, ${setting.baselineChance} and ${setting.changedChance}: ${setting.coverage.toFixed(4)}`;
const worst = (settings: readonly Setting[]): Setting => settings.reduce((low, setting) => (setting.coverage < low.coverage ? setting : low));
const meanWidth = (settings: readonly Setting[]): number => settings.reduce((sum, setting) => sum + setting.width, 0) / settings.length;

const report: Made = (baseline, changed) => meanDifferenceInterval(baseline, changed, SHARE_RANGE, 0.95, trialsMeanInterval).interval;

describe('a difference of two pass rates over one check (every run 0 or 1)', () => {
  const reported = grid(report);

  test('at 3 to 30 runs a side and chances 0.05 to 0.95 a side, the report\'s interval holds the planted difference at least 95 % less 2.5 points everywhere, exactly', () => {
    expect(reported).toHaveLength(9025);
    expect(reported.filter((setting) => setting.coverage < 0.95 - TOLERANCE).map(said)).toEqual([]);
    // Newcombe's hybrid score interval from the sides' Clopper–Pearson limits: below 95 % at 26 of the
    // 9,025 settings, each with 3 or 5 runs on both sides and chances 0.75 or more apart, at worst
    // 0.9251 (3 and 3 runs, 0.1 and 0.9); 0.837 wide on average over the grid.
    const below = reported.filter((setting) => setting.coverage < 0.95);
    expect(below).toHaveLength(26);
    expect(below.every((setting) => setting.baselineRuns <= 5 && setting.changedRuns <= 5 && Math.abs(setting.changedChance - setting.baselineChance) >= 0.75 - 1e-9)).toBe(true);
    expect(said(worst(reported))).toBe('3 and 3 runs, 0.1 and 0.9: 0.9251');
    expect(meanWidth(reported)).toBeCloseTo(0.837, 3);
  });

  test('report.json, metrics.csv and report.md name the difference\'s interval: 3 of 6 passing against 5 of 6 is +0.3333 [-0.2758, 0.7483]', () => {
    const { runs, experiment } = passFailStudy({ baseline: [1, 0, 1, 0, 0, 1], changed: [1, 1, 0, 1, 1, 1] });
    const statistics = studyStatistics(experiment, runs);
    const passRate = statistics.metrics.find((metric) => metric.key === 'pass_rate')!;
    // The sides' own Clopper–Pearson intervals, [0.1181, 0.8819] and [0.3588, 0.9958], combined:
    // 0.3333 − √(0.4745² + 0.3819²) and 0.3333 + √(0.1625² + 0.3819²).
    expect(passRate.variants.changed!.versusBaseline).toMatchObject({ difference: 0.333333333, ci: [-0.275804696, 0.748334975], method: 'newcombe-clopper-pearson' });
    expect(passRate.variants.changed!.versusBaseline!.alike).toBeUndefined();
    expect(statistics.intervals).toContain("Newcombe's hybrid score interval from the two sides' Clopper–Pearson limits (`newcombe-clopper-pearson`)");
    const metrics = experimentTables({ variants: [], statistics, runs }).find((table) => table.name === 'metrics')!.rows;
    expect(metrics.find((row) => row.metric === 'pass_rate' && row.variant === 'changed')).toMatchObject({ ci_method: 'clopper-pearson', difference_method: 'newcombe-clopper-pearson' });
    const lines = renderStudy(statistics, runs, ['baseline', 'changed']);
    expect(lines.find((line) => line.startsWith('| changed | pass rate'))).toContain('+0.3333 [-0.2758, 0.7483]');
    expect(lines.find((line) => line.startsWith("Each variant's mean against"))).toContain("a difference of two such pass rates has Newcombe's hybrid score interval from their Clopper–Pearson limits");
  });
});
