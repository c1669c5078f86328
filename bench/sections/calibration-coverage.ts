import { compareAnswers, compareAnswersWithParts, progressFrom } from '../../src/calibrate/calibration-statistics.js';
import { distanceFor, sharesMovedBy } from '../../src/calibrate/distribution-distance.js';
import { intervalCoverage, type Coverage } from '../../src/statistics/coverage.js';
import { drawCounts } from '../../src/statistics/sampling.js';
import type { BenchContext } from '../context.js';
import type { Row } from '../row.js';

/** Panels simulated a cell (each interval draws 1,000 resamples and a 1,000-round test). */
const TRIALS = 500;
const HAPPY = [0.3, 0.57, 0.13];
const SATFIN = [0.31, 0.47, 0.22];
const GRASS = [0.66, 0.34];

function row(what: string, coverage: Coverage): Row {
  const [low, high] = coverage.shareInterval;
  return {
    what: `${what}: its 95 % interval held the truth in ${coverage.covered} of ${coverage.trials} panels (Wilson ${(100 * low).toFixed(1)} to ${(100 * high).toFixed(1)} %), mean width ${coverage.meanWidth.toFixed(3)}`,
    figure: { count: Math.round(1000 * coverage.share) / 10, unit: '% covered' },
    target: { text: 'at least 90 %, its Wilson interval reaching 95 %', met: coverage.share >= 0.9 && high >= 0.95 },
  };
}

/**
 * How often `lemming calibrate`'s intervals hold the truth at the shipped panel's sizes (the test,
 * tests/calibrate/calibration-coverage.test.ts, checks the same cells with 80 panels): the distance and
 * the progress of a two-option and an ordered question at true distances 0, 0.02, 0.05 and 0.15, and
 * the overall line over three questions.
 */
export function calibrationCoverage(context: BenchContext): Row[] {
  const rows: Row[] = [];
  const cells = [
    { name: 'two options (grass)', real: GRASS, ordered: false, sizes: [[604, 200], [248, 76]] },
    { name: 'ordered (happy)', real: HAPPY, ordered: true, sizes: [[946, 200], [360, 76]] },
  ] as const;
  const distances = context.quick ? [0, 0.05] : [0, 0.02, 0.05, 0.15];
  for (const cell of cells) {
    for (const [n, m] of cell.sizes) {
      for (const truth of distances) {
        const simulated = sharesMovedBy(cell.real, truth, cell.ordered);
        const random = distanceFor(cell.ordered)(cell.real, cell.real.map(() => 1 / cell.real.length));
        const progressTruth = (100 * (random - truth)) / random;
        const progress: Array<[number, number]> = [];
        const distance = intervalCoverage(truth, TRIALS, 17, (next, trial) => {
          const compared = compareAnswers(drawCounts(cell.real, n, next), true, drawCounts(simulated, m, next), cell.ordered, trial);
          progress.push(compared.progress?.interval ?? [NaN, NaN]);
          return compared.distance.interval;
        });
        rows.push(row(`distance, ${cell.name}, ${m} agents against ${n} people, true distance ${truth}`, distance));
        rows.push(row(`progress, ${cell.name}, ${m} agents against ${n} people, true distance ${truth}`, intervalCoverage(progressTruth, TRIALS, 0, (_next, trial) => progress[trial]!)));
      }
    }
  }
  const questions = [
    { real: HAPPY, ordered: true, n: 946 },
    { real: SATFIN, ordered: true, n: 944 },
    { real: GRASS, ordered: false, n: 604 },
  ];
  for (const truth of distances) {
    const simulated = questions.map((question) => sharesMovedBy(question.real, truth, question.ordered));
    const randoms = questions.map((question) => distanceFor(question.ordered)(question.real, question.real.map(() => 1 / question.real.length)));
    const meanRandom = randoms.reduce((sum, value) => sum + value, 0) / randoms.length;
    const coverage = intervalCoverage((100 * (meanRandom - truth)) / meanRandom, TRIALS, 29, (next, trial) =>
      progressFrom(questions.map((question, index) => compareAnswersWithParts(drawCounts(question.real, question.n, next), true, drawCounts(simulated[index]!, 200, next), question.ordered, 1000 * trial + index).parts!))?.interval ?? [NaN, NaN],
    );
    rows.push(row(`the overall line over happy, satfin and grass, 200 agents, true distance ${truth}`, coverage));
  }
  return rows;
}
