import { expect, test } from 'vitest';
import type { Experiment } from '../../src/experiment/experiment-file.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';
import { studyStatistics } from '../../src/experiment/study-statistics.js';
import { normalDraw } from '../../src/statistics/coverage.js';
import { seededRandom } from '../../src/random/seeded-random.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';

/*
 * A planted effect: a variant's runs spend 0.3 credits less than the baseline's (credits drawn
 * normal, mean 1 and sd 0.2 for the baseline, 0.7 and 0.05 for the variant: unequal spreads, Welch's
 * case), 5 runs a side. The report's difference interval says 95 %: over 400 seeded studies, count
 * how many hold the planted −0.3. Then the first 20 seeds alone, as a person checking by hand would.
 */

function study(seed: number): number[] {
  const next = seededRandom(seed);
  const runs: RunMetrics[] = [];
  for (const [variant, level, spread] of [['baseline', 1, 0.2], ['cheaper', 0.7, 0.05]] as const) {
    for (let repeat = 1; repeat <= 5; repeat += 1) runs.push({ run: `${variant}-r${repeat}`, variant, credits: level + spread * normalDraw(next), messages: 5, refusals: 0, humanAnswer: null } as unknown as RunMetrics);
  }
  const experiment = { name: 'planted', variants: ['baseline', 'cheaper'].map((name) => ({ name, outcome: { seed, checks: [] } })) } as unknown as Experiment;
  const credits = studyStatistics(experiment, runs).metrics.find((metric) => metric.key === 'credits')!;
  return credits.variants.cheaper!.versusBaseline!.ci!;
}

const holds = (interval: number[]): boolean => interval[0]! <= -0.3 && -0.3 <= interval[1]!;

test("an experiment's difference interval holds a planted difference about 95 % of the time", () => {
  const intervals = Array.from({ length: 400 }, (_, index) => study(500 + index));
  const covered = intervals.filter(holds).length;
  const [low, high] = wilsonInterval(covered, intervals.length);
  expect(low).toBeLessThanOrEqual(0.95);
  expect(high).toBeGreaterThanOrEqual(0.95);
  // Twenty seeds, counted: at 95 %, 17 to 20 of them hold it (the binomial's 98 % range).
  expect(intervals.slice(0, 20).filter(holds).length).toBeGreaterThanOrEqual(17);
});
