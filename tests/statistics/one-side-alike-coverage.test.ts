import { describe, expect, test } from 'vitest';
import type { Experiment } from '../../src/experiment/experiment-file.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';
import { experimentTables } from '../../src/experiment/experiment-tables.js';
import { studyStatistics, type Comparison } from '../../src/experiment/study-statistics.js';
import { renderStudy, verdict } from '../../src/experiment/study-report.js';
import { seededRandom } from '../../src/random/seeded-random.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';

/*
 * A difference of two variants where the runs of one of them all came out alike and the other's did
 * not. Welch's t then took the alike side as known, with no spread: a check that passes with chance
 * 0.8 in both variants, 10 runs a side, has all 10 runs of one variant passing in about a fifth of
 * studies, and the difference's interval held the planted 0 in about 86 % of those. Seeded studies go
 * through the report's own statistics (studyStatistics, which report.md, report.json and metrics.csv
 * are made from); among the studies with exactly one side alike, the intervals that hold the planted
 * difference are counted. A 95 % interval must hold it in 95 % of them, within what chance allows
 * (the Wilson interval of the count reaches 95 %), or say it has none.
 */

const RUNS = 10;

/** A run as the report reads it: only the value studied (the others absent, so each study tests one metric). */
type Draw = (next: () => number, variant: string) => { passed?: boolean; messages?: number };

/** One study of two variants, `RUNS` runs each, each run drawn with `draw`. */
function plantedStudy(seed: number, draw: Draw): { experiment: Experiment; runs: RunMetrics[] } {
  const next = seededRandom(seed);
  const runs: RunMetrics[] = [];
  for (const variant of ['baseline', 'changed']) {
    for (let repeat = 1; repeat <= RUNS; repeat += 1) {
      const { passed, messages } = draw(next, variant);
      const checks = passed === undefined ? [] : [{ name: 'answered', passed, score: null, exitCode: passed ? 0 : 1, output: '' }];
      runs.push({ run: `${variant}-r${repeat}`, variant, credits: undefined, messages, refusals: undefined, humanAnswer: null, outcome: { seed, checks } } as unknown as RunMetrics);
    }
  }
  const experiment = { name: 'planted', variants: ['baseline', 'changed'].map((name) => ({ name, outcome: { seed, checks: [] } })) } as unknown as Experiment;
  return { experiment, runs };
}

interface Count {
  /** Studies where exactly one variant's runs all gave one value. */
  oneSideAlike: number;
  covered: number;
  missed: number;
  none: number;
  /** Of those studies, the ones report.md reads as worse. */
  worse: number;
}

/** Count how the difference intervals of `metric` in studies with one side alike stand to `truth`. */
function countOneSideAlike(studies: number, metric: string, truth: number, draw: Draw): Count {
  const count: Count = { oneSideAlike: 0, covered: 0, missed: 0, none: 0, worse: 0 };
  for (let study = 0; study < studies; study += 1) {
    const { experiment, runs } = plantedStudy(7000 + study, draw);
    const found = studyStatistics(experiment, runs).metrics.find((each) => each.key === metric)!;
    if (Boolean(found.variants.baseline!.alike) === Boolean(found.variants.changed!.alike)) continue;
    count.oneSideAlike += 1;
    const compared: Comparison = found.variants.changed!.versusBaseline!;
    if (compared.ci === null) count.none += 1;
    else if (compared.ci[0] <= truth && truth <= compared.ci[1]) count.covered += 1;
    else count.missed += 1;
    if (verdict(compared.difference, compared.ci, compared.adjustedP, found.better) === '**worse**') count.worse += 1;
  }
  return count;
}

/** Whether `covered` of `trials` is within chance of 95 % or above: the Wilson interval of the share reaches 0.95. */
function holdsAtLeast95(covered: number, trials: number): boolean {
  return wilsonInterval(covered, trials)[1] >= 0.95;
}

describe('a difference where the runs of one variant are all alike and the other variant\'s are not', () => {
  test('a check that passes with chance 0.8 in both variants, 10 runs a side: the difference holds the planted 0 in 95 % of studies with one side alike, within chance', () => {
    const count = countOneSideAlike(1000, 'pass_rate', 0, (next) => ({ passed: next() < 0.8 }));
    // One side all passing: about 2 × 0.8^10 × (1 − 0.8^10) ≈ 19 % of studies.
    expect(count.oneSideAlike).toBeGreaterThan(150);
    expect(count.none).toBe(0);
    expect(holdsAtLeast95(count.covered, count.oneSideAlike)).toBe(true);
  });

  test('a check that passes with chance 0.9 in the baseline and 0.3 in the variant: the difference holds the planted −0.6 in 95 % of studies with one side alike, and still reads worse in most of them', () => {
    const count = countOneSideAlike(600, 'pass_rate', 0.3 - 0.9, (next, variant) => ({ passed: next() < (variant === 'baseline' ? 0.9 : 0.3) }));
    expect(count.oneSideAlike).toBeGreaterThan(150);
    expect(count.none).toBe(0);
    expect(holdsAtLeast95(count.covered, count.oneSideAlike)).toBe(true);
    // An interval that held the truth by being as wide as a difference can be (−1 to 1) would read no difference.
    expect(count.worse).toBeGreaterThan(count.oneSideAlike * 0.8);
  });

  test('messages of 5, or 6 with chance 0.2 in the baseline and 0.5 in the variant: where the baseline wrote 5 in every run, the difference has no interval rather than one that misses', () => {
    const count = countOneSideAlike(600, 'messages', 0.5 - 0.2, (next, variant) => ({ messages: next() < (variant === 'baseline' ? 0.2 : 0.5) ? 6 : 5 }));
    // The baseline all 5: 0.8^10 ≈ 11 % of studies.
    expect(count.oneSideAlike).toBeGreaterThan(40);
    expect(count.missed).toBeLessThanOrEqual(count.oneSideAlike * 0.05);
    expect(count.covered + count.none + count.missed).toBe(count.oneSideAlike);
  });

  test('report.md and metrics.csv say how such a difference was made: a pass rate\'s two Clopper–Pearson intervals combined (newcombe-clopper-pearson), or none on a count, said in the cell', () => {
    const { experiment, runs } = plantedStudy(1, (next, variant) => ({ passed: variant === 'baseline' || next() < 0.5, messages: variant === 'baseline' ? 5 : 5 + Math.floor(next() * 3) }));
    const statistics = studyStatistics(experiment, runs);
    const compared = (key: string): Comparison => statistics.metrics.find((each) => each.key === key)!.variants.changed!.versusBaseline!;
    expect(compared('pass_rate')).toMatchObject({ method: 'newcombe-clopper-pearson', alike: true });
    expect(compared('pass_rate').ci![1] - compared('pass_rate').ci![0]).toBeGreaterThan(0);
    expect(compared('messages')).toMatchObject({ ci: null, alike: true });
    const metrics = experimentTables({ variants: [], statistics, runs }).find((table) => table.name === 'metrics')!.rows;
    expect(metrics.find((row) => row.metric === 'pass_rate' && row.variant === 'changed')).toMatchObject({ ci_method: 'clopper-pearson', difference_method: 'newcombe-clopper-pearson' });
    expect(metrics.find((row) => row.metric === 'messages' && row.variant === 'changed')).toMatchObject({ ci_method: 't', difference_method: 'none', difference_low: undefined });
    const lines = renderStudy(statistics, runs, ['baseline', 'changed']);
    const row = lines.find((line) => line.startsWith('| changed | messages |'))!.split('|').map((cell) => cell.trim());
    expect(row[5]).toMatch(/^\+[\d.]+, every baseline run alike \(n=10\): no interval from the runs$/);
    expect(row[8]).toBe('no clear difference');
  });
});
