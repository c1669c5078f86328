import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import { distanceCoverage } from './planted-coverage.js';

/*
 * A side with an empty option that is not all alike: agents who answered [20, 10, 0] across three
 * options. The calibration's bootstrap draws each side's people again from that side's shares, and an
 * option nobody chose is never chosen when drawn again: the interval took it as known to be 0.
 * Seeded planted studies go through compareAnswers (what `lemming calibrate` prints for each question
 * and group): the real people drawn from the real shares, the agents from shares a known distance
 * away with one option rare, and among the studies whose agents left exactly one option empty and
 * used at least two, the intervals that hold the planted distance are counted (200 such studies a row).
 * Before, 198, 189, 172 and 194 of 200 (the ordered row 86 %); with each empty option drawn from the
 * Wilson centre of none of n (sampling.ts bootstrapShares), 200, 197, 194 and 198. A 95 % interval
 * must hold it in 95 % of them within chance (the Wilson interval of the count reaches 0.95), and in at
 * least 90 %; and not by being as wide as a distance can be: on average 0.41, 0.54, 0.28 and 0.42 wide
 * (0.37, 0.47, 0.20 and 0.38 before).
 */
const CELLS = [
  { name: 'three options, 30 agents answering the third with chance 0.05', real: [0.5, 0.3, 0.2], simulated: [0.6, 0.35, 0.05], ordered: false, n: 248, m: 30, width: 0.45 },
  { name: 'three options, 15 agents answering the third with chance 0.08', real: [0.5, 0.3, 0.2], simulated: [0.55, 0.37, 0.08], ordered: false, n: 248, m: 15, width: 0.6 },
  { name: 'ordered, 30 agents answering the last with chance 0.05', real: [0.3, 0.5, 0.2], simulated: [0.45, 0.5, 0.05], ordered: true, n: 360, m: 30, width: 0.31 },
  { name: 'four options, 30 agents answering the last with chance 0.04', real: [0.4, 0.3, 0.2, 0.1], simulated: [0.5, 0.3, 0.16, 0.04], ordered: false, n: 248, m: 30, width: 0.46 },
] as const;

const EMPTY_STUDIES = 200;

describe('agents who left one option empty, not all alike: the distance holds the planted truth in 95 % of such studies', () => {
  for (const cell of CELLS) {
    it(`${cell.name}, against ${cell.n} people`, () => {
      // Exactly one option empty: of three or more, at least two used.
      const oneEmpty = (simulated: readonly number[]): boolean => simulated.filter((count) => count === 0).length === 1;
      const { studies, held, width } = distanceCoverage(cell, oneEmpty, EMPTY_STUDIES, 101);
      expect(studies).toBe(EMPTY_STUDIES);
      expect(held).toBeGreaterThanOrEqual(0.9 * studies);
      expect(wilsonInterval(held, studies)[1]).toBeGreaterThanOrEqual(0.95);
      expect(width / studies).toBeLessThan(cell.width);
    });
  }
});
