import { describe, expect, it } from 'vitest';
import { compareAnswers, compareAnswersWithParts, progressFrom } from '../../src/calibrate/calibration-statistics.js';
import { distanceFor, sharesMovedBy } from '../../src/calibrate/distribution-distance.js';
import { basicBootstrap } from '../../src/statistics/bootstrap.js';
import { intervalCoverage } from '../../src/statistics/coverage.js';
import { countBootstrap, drawCounts } from '../../src/statistics/sampling.js';

/** The shares of GSS 2018's `happy` (very, pretty, not too happy; ordered), `satfin` (ordered) and `grass` (two options). */
const HAPPY = [0.3, 0.57, 0.13];
const SATFIN = [0.31, 0.47, 0.22];
const GRASS = [0.66, 0.34];

/**
 * The shipped panel's sizes: 200 agents populated from data/gss-2018/people.yaml against everyone in
 * respondents.yaml at their effective size (946 for happy, 604 for grass), and its smallest group rows
 * (76 agents against the 250 or so effective people of a group: grass among college graduates is 248).
 */
const CELLS = [
  { name: 'two options (grass)', real: GRASS, ordered: false, sizes: [[604, 200], [248, 76]] },
  { name: 'ordered (happy)', real: HAPPY, ordered: true, sizes: [[946, 200], [360, 76]] },
] as const;

/*
 * Tolerance: 80 seeded panels a cell. An interval that holds the truth 95 % of the time falls to 90 %
 * or below (72 of 80) in about 3 % of such sets, so a cell under 0.9 says the interval undercovers, not
 * bad luck (the bench's 2,000-panel figures are in docs/validation.md). The draws are seeded: the
 * result does not change from run to run.
 */
const TRIALS = 80;
/** The overall line asks three questions a panel: 60 panels (at 95 %, 54 of 60 or fewer in about 8 % of such sets; it is built to cover more: a joint bound). */
const HEADLINE_TRIALS = 60;

describe("calibration's intervals hold the truth near it and far from it (simulation, truth known)", () => {
  for (const cell of CELLS) {
    for (const [n, m] of cell.sizes) {
      it(`${cell.name}, ${m} agents against ${n} people: the distance and the progress at true distances 0, 0.02, 0.05 and 0.15`, () => {
        const distanceOf = distanceFor(cell.ordered);
        const uniform = cell.real.map(() => 1 / cell.real.length);
        for (const truthDistance of [0, 0.02, 0.05, 0.15]) {
          const simulated = sharesMovedBy(cell.real, truthDistance, cell.ordered);
          const truth = distanceOf(cell.real, simulated);
          expect(truth).toBeCloseTo(truthDistance, 9);
          const random = distanceOf(cell.real, uniform);
          const truthProgress = (100 * (random - truth)) / random;
          let progressHeld = 0;
          const found = intervalCoverage(truth, TRIALS, 17, (next, trial) => {
            const compared = compareAnswers(drawCounts(cell.real, n, next), true, drawCounts(simulated, m, next), cell.ordered, trial);
            const [low, high] = compared.progress?.interval ?? [NaN, NaN];
            if (low <= truthProgress && truthProgress <= high) progressHeld += 1;
            return compared.distance.interval;
          });
          expect(found.share, `distance ${truthDistance}`).toBeGreaterThanOrEqual(0.9);
          expect(progressHeld / TRIALS, `progress at distance ${truthDistance}`).toBeGreaterThanOrEqual(0.9);
          // Not by being wide: the distance's interval is some four standard errors of a difference of shares at these sizes.
          expect(found.meanWidth, `width at ${truthDistance}`).toBeLessThan(m < 100 ? 0.26 : 0.16);
        }
      });
    }
  }

  it('the overall line, "N % of the way from random" over three questions, holds its truth with the random baseline\'s noise in it', () => {
    const questions = [
      { real: HAPPY, ordered: true, n: 946 },
      { real: SATFIN, ordered: true, n: 944 },
      { real: GRASS, ordered: false, n: 604 },
    ];
    for (const truthDistance of [0, 0.02, 0.05, 0.15]) {
      const simulated = questions.map((question) => sharesMovedBy(question.real, truthDistance, question.ordered));
      const randoms = questions.map((question) => distanceFor(question.ordered)(question.real, question.real.map(() => 1 / question.real.length)));
      const meanRandom = randoms.reduce((sum, value) => sum + value, 0) / randoms.length;
      const truth = (100 * (meanRandom - truthDistance)) / meanRandom;
      const found = intervalCoverage(truth, HEADLINE_TRIALS, 29, (next, trial) => {
        const parts = questions.map((question, index) => compareAnswersWithParts(drawCounts(question.real, question.n, next), true, drawCounts(simulated[index]!, 200, next), question.ordered, 1000 * trial + index).parts!);
        return progressFrom(parts)?.interval ?? [NaN, NaN];
      });
      expect(found.share, `overall at distance ${truthDistance}`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('the basic bootstrap interval it replaces undercovered just above the truth', () => {
    // The old interval: 2·observed − the resamples' percentiles, on a two-option question at a true distance of 0.05.
    const simulated = sharesMovedBy(GRASS, 0.05, false);
    const found = intervalCoverage(0.05, TRIALS, 17, (next, trial) => {
      const real = drawCounts(GRASS, 604, next);
      const agents = drawCounts(simulated, 200, next);
      const replicates = countBootstrap([{ counts: real }, { counts: agents }], ([a, b]) => [distanceFor(false)(a!, b!)], 1000, trial).map((round) => round[0]!);
      return basicBootstrap(distanceFor(false)(real, agents), replicates, [0, 1]).interval;
    });
    expect(found.share).toBeLessThan(0.85);
  });
});
