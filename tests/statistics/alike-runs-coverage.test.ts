import { describe, expect, test } from 'vitest';
import type { Experiment } from '../../src/experiment/experiment-file.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';
import { studyStatistics, type StudyStatistics } from '../../src/experiment/study-statistics.js';
import { renderStudy } from '../../src/experiment/study-report.js';
import { experimentTables } from '../../src/experiment/experiment-tables.js';
import { seededRandom } from '../../src/random/seeded-random.js';

/*
 * A count that is usually one value: each run writes 5 messages, or 6 with a small chance (the rarer
 * value), so the planted mean is 5 + that chance. When every run of a study came out 5, the report's
 * t interval was [5, 5]: no width, and a miss every time. A pass rate that is usually 1 did the same,
 * [1, 1]. 1,000 seeded studies of each setting go through the report's own statistics
 * (studyStatistics, the function report.md, report.json and metrics.csv are made from) and the
 * intervals are counted: those that hold the planted mean, those of no width, those that say there
 * is none. A 95 % interval must hold the truth about 95 % of the time, or say it cannot.
 */

const STUDIES = 1000;

/** One study: `runs` runs of each variant, each run's messages and its one check drawn with `draw`. */
function plantedStudy(seed: number, runs: number, draw: (next: () => number, variant: string) => { messages: number; passed: boolean }, variants = ['baseline']): { experiment: Experiment; runs: RunMetrics[] } {
  const next = seededRandom(seed);
  const all: RunMetrics[] = [];
  for (const variant of variants) {
    for (let repeat = 1; repeat <= runs; repeat += 1) {
      const { messages, passed } = draw(next, variant);
      // What the report reads of a run: its credits, messages, refusals, answer (none) and its checks.
      all.push({ run: `${variant}-r${repeat}`, variant, credits: 1, messages, refusals: 0, humanAnswer: null, outcome: { seed, checks: [{ name: 'answered', passed, score: null, exitCode: passed ? 0 : 1, output: '' }] } } as unknown as RunMetrics);
    }
  }
  const experiment = { name: 'planted', variants: variants.map((name) => ({ name, outcome: { seed, checks: [] } })) } as unknown as Experiment;
  return { experiment, runs: all };
}

interface Count {
  covered: number;
  noWidth: number;
  none: number;
  missed: number;
}

/** Count how the baseline's intervals of `metric` over the studies stand to `truth`. */
function countIntervals(metric: string, truth: number, runs: number, draw: (next: () => number) => { messages: number; passed: boolean }): Count {
  const count: Count = { covered: 0, noWidth: 0, none: 0, missed: 0 };
  for (let study = 0; study < STUDIES; study += 1) {
    const { experiment, runs: drawn } = plantedStudy(9000 + study, runs, draw);
    const ci = studyStatistics(experiment, drawn).metrics.find((each) => each.key === metric)!.variants.baseline!.ci;
    if (ci === null) count.none += 1;
    else {
      if (ci[0] === ci[1]) count.noWidth += 1;
      if (ci[0] <= truth && truth <= ci[1]) count.covered += 1;
      else count.missed += 1;
    }
  }
  return count;
}

describe('a variant whose runs are all alike', () => {
  // The reviewer's table: the chance of the rarer value and the runs a study.
  test.each([
    [0.2, 5],
    [0.1, 5],
    [0.2, 10],
    [0.3, 3],
  ])('messages of 5, or 6 with chance %d, over %d runs: no interval of no width, and one given misses the planted mean in at most 5 % of studies', (chance, runs) => {
    const count = countIntervals('messages', 5 + chance, runs, (next) => ({ messages: next() < chance ? 6 : 5, passed: true }));
    expect(count).toMatchObject({ noWidth: 0 });
    // Studies all of whose runs wrote 5 are (1 − chance)^runs of them: 328 of 1,000 at 0.2 and 5 runs.
    expect(count.none).toBeGreaterThan(STUDIES * (1 - chance) ** runs * 0.8);
    expect(count.missed).toBeLessThanOrEqual(STUDIES * 0.05);
    expect(count.covered + count.none + count.missed).toBe(STUDIES);
  });

  test.each([
    [0.9, 5],
    [0.8, 5],
    [0.95, 10],
    [0.7, 3],
  ])('a check that passes with chance %d, over %d runs: the pass rate has an interval every time, and it holds the planted rate in about 95 % of studies or more', (chance, runs) => {
    const count = countIntervals('pass_rate', chance, runs, (next) => ({ messages: 5, passed: next() < chance }));
    expect(count).toMatchObject({ none: 0, noWidth: 0 });
    expect(count.covered).toBeGreaterThanOrEqual(STUDIES * 0.93);
  });

  test('report.md says the runs were alike where it gives no interval, and gives a pass rate of 5 of 5 its Clopper–Pearson interval, about [0.48, 1]', () => {
    const { experiment, runs } = plantedStudy(1, 5, () => ({ messages: 5, passed: true }));
    const statistics = studyStatistics(experiment, runs);
    const lines = renderStudy(statistics, runs, ['baseline']);
    expect(lines).toContain('| messages | baseline | 5 | 5 | 0 | every run alike (n=5): no interval from the runs |');
    expect(lines).toContain('| pass rate | baseline | 5 | 1 | 0 | [0.4782, 1] |');
    expect(lines.find((line) => line.startsWith('Where every run of a variant gave the same value'))).toContain('a count or credits has none (`every run alike`), so no reading rests on it.');
    const summary = (key: string): StudyStatistics['metrics'][number]['variants'][string] => statistics.metrics.find((each) => each.key === key)!.variants.baseline!;
    expect(summary('messages')).toMatchObject({ ci: null, alike: true });
    expect(summary('pass_rate')).toMatchObject({ alike: true, method: 'clopper-pearson' });
    // metrics.csv: no ends, and why.
    const metrics = experimentTables({ variants: [], statistics, runs }).find((table) => table.name === 'metrics')!.rows;
    expect(metrics.find((row) => row.metric === 'messages')).toMatchObject({ ci_low: undefined, ci_high: undefined, ci_method: 'none' });
    expect(metrics.find((row) => row.metric === 'pass_rate')).toMatchObject({ ci_high: 1, ci_method: 'clopper-pearson' });
  });

  test('two variants each of whose runs are alike, 5 and 7 messages: no reading of lower from a difference of no width; their pass rates of 5 of 5 and 0 of 5 read by an interval that has width', () => {
    const { experiment, runs } = plantedStudy(2, 5, (_next, variant) => (variant === 'baseline' ? { messages: 5, passed: true } : { messages: 7, passed: false }), ['baseline', 'more']);
    const lines = renderStudy(studyStatistics(experiment, runs), runs, ['baseline', 'more']);
    const row = (metric: string): string[] => lines.find((line) => line.startsWith(`| more | ${metric} |`))!.split('|').map((cell) => cell.trim());
    // p is the permutation test's smallest at 5 a side: real, but an interval of no width cannot back a reading.
    expect(row('messages').slice(3, 9)).toEqual(['5, every run alike (n=5): no interval from the runs', '7, every run alike (n=5): no interval from the runs', '+2, every run alike (n=5 and 5): no interval from the runs', '0.007937', '0.007937', 'no clear difference']);
    const passRate = row('pass rate (higher is better)');
    expect(passRate[5]).toMatch(/^-1 \[-1, -0\.\d+\]$/);
    expect(passRate[8]).toBe('**worse**');
  });
});
