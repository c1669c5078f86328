import { describe, expect, it } from 'vitest';
import { compareBaselines } from '../../src/calibrate/calibration-baselines.js';
import { distanceFor } from '../../src/calibrate/distribution-distance.js';
import { seededRandom } from '../../src/random/seeded-random.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import { distanceCoverage } from './planted-coverage.js';
import { drawCounts } from '../../src/statistics/sampling.js';

/*
 * A group row whose agents all gave the same answer. The calibration's bootstrap draws each side's
 * people again from that side's shares, and a side all on one option never varies when drawn again:
 * its distance's interval took the agents' shares as known. Seeded planted studies go through
 * compareAnswers (what `lemming calibrate` prints for each question and group): the real people drawn
 * from the real shares, the agents from shares a known distance away, and among the studies whose
 * agents all answered alike, the intervals that hold the planted distance are counted (300 such
 * studies a row). Before, 187, 22, 23 and 225 of 300 (62 %, 7 %, 8 %, 75 %); with the alike side
 * drawn from its Wilson centre (sampling.ts bootstrapShares), 300, 300, 286 and 300. A 95 % interval
 * must hold it in 95 % of them within chance (the Wilson interval of the count reaches 0.95), and in
 * at least 90 %.
 */
const CELLS = [
  // Agents who answer the first option with chance 0.95: 30 of them all alike in about a fifth of studies.
  { name: 'two options, 30 agents answering the first with chance 0.95', real: [0.66, 0.34], simulated: [0.95, 0.05], ordered: false, n: 248, m: 30, width: 0.32 },
  { name: 'two options, 15 agents answering the first with chance 0.9', real: [0.66, 0.34], simulated: [0.9, 0.1], ordered: false, n: 248, m: 15, width: 0.55 },
  // Where all alike is rare (4 % of studies): the share seen in all 30 is farthest from the truth.
  { name: 'two options, 30 agents answering the first with chance 0.9', real: [0.66, 0.34], simulated: [0.9, 0.1], ordered: false, n: 248, m: 30, width: 0.32 },
  { name: 'ordered, 30 agents answering the middle with chance 0.95', real: [0.3, 0.57, 0.13], simulated: [0.03, 0.95, 0.02], ordered: true, n: 360, m: 30, width: 0.17 },
] as const;

const ALIKE_STUDIES = 300;

describe('a group whose agents all gave the same answer: the distance holds the planted truth in 95 % of such studies', () => {
  for (const cell of CELLS) {
    it(`${cell.name}, against ${cell.n} people`, () => {
      const { studies: alike, held, width } = distanceCoverage(cell, (simulated) => simulated.filter((count) => count > 0).length === 1, ALIKE_STUDIES, 99);
      expect(alike).toBe(ALIKE_STUDIES);
      expect(held).toBeGreaterThanOrEqual(0.9 * alike);
      expect(wilsonInterval(held, alike)[1]).toBeGreaterThanOrEqual(0.95);
      // Not by being as wide as a distance can be: about what a share seen in all of m agents allows (Wilson's bound on the rest, 3.84/(m + 3.84)), twice, and the real side's noise.
      expect(width / alike).toBeLessThan(cell.width);
    });
  }
});

/*
 * The row's distance less the persona-ignoring baseline's (− overall, a signed basic bootstrap),
 * where the group's agents all answered alike: 200 planted studies a row. Before, 7 and 0 of 200 held
 * the planted difference; drawn from the Wilson centre, 183 and 168. Not yet 95 %: with 30 agents at
 * 0.9, where all alike is rarest, 7 of 200 (2 before), which docs/validation.md says.
 */
describe('a group whose agents all gave the same answer: − overall holds the planted difference far more often than before', () => {
  for (const cell of [
    { chance: 0.95, m: 30, held: 180 },
    { chance: 0.9, m: 15, held: 160 },
  ]) {
    it(`${cell.m} agents answering the first of two options with chance ${cell.chance}, against 248 people and 1,000 in everyone`, () => {
      const [everyoneShares, group, simulatedShares] = [[0.66, 0.34], [0.6, 0.4], [cell.chance, 1 - cell.chance]];
      const distance = distanceFor(false);
      const truth = distance(group, simulatedShares) - distance(group, everyoneShares);
      const next = seededRandom(5);
      let alike = 0;
      let held = 0;
      for (let study = 0; alike < 200 && study < 20_000; study += 1) {
        const [real, everyone, simulated] = [drawCounts(group, 248, next), drawCounts(everyoneShares, 1000, next), drawCounts(simulatedShares, cell.m, next)];
        if (simulated.filter((count) => count > 0).length !== 1) continue;
        alike += 1;
        const [low, high] = compareBaselines({ real, realIsCounts: true, simulated, ordered: false, seed: study, everyone }).beyondOverall!.interval;
        if (low <= truth && truth <= high) held += 1;
      }
      expect(alike).toBe(200);
      expect(held).toBeGreaterThanOrEqual(cell.held);
    });
  }
});
