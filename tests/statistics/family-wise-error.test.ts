import { describe, expect, it } from 'vitest';
import { holm, discreteHolm, fisherTest } from '../../src/statistics/family-wise-error.js';
import { fisherExact } from '../../src/statistics/fisher-exact.js';

/** A test whose p can take any value (a grid of 10,001): Holm's own rule. */
const continuous = (p: number) => ({ p, attainable: Array.from({ length: 10_001 }, (_, index) => index / 10_000) });

describe('Holm step-down with each test\'s attainable p-values', () => {
  it('is Holm\'s procedure where every p can be reached (R: p.adjust(c(.01,.04,.03,.005), "holm") = .03 .06 .06 .02)', () => {
    const adjusted = discreteHolm([0.01, 0.04, 0.03, 0.005].map(continuous));
    expect(adjusted.map((each) => Number(each.toFixed(6)))).toEqual([0.03, 0.06, 0.06, 0.02]);
  });

  it('holm: the same for p-values whose attainable values are not listed (an experiment\'s permutation tests), NaN left out', () => {
    expect(holm([0.01, 0.04, 0.03, 0.005]).map((each) => Number(each.toFixed(6)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holm([0.3, NaN, 0.8]).map((each) => (Number.isNaN(each) ? 'NaN' : Number(each.toFixed(6))))).toEqual([0.6, 'NaN', 0.8]);
    expect(holm([0.02])).toEqual([0.02]);
  });

  it('charges nothing for a test that cannot reach the p being adjusted: 6/6 against 0/6 beside steps where nothing passed', () => {
    const decisive = fisherTest(0, 6, 6, 6);
    expect(decisive.p).toBeCloseTo(2 / 924, 12);
    const silent = Array.from({ length: 49 }, () => fisherTest(0, 6, 0, 6));
    const adjusted = discreteHolm([decisive, ...silent]);
    // Holm would multiply by 50 (0.108); the 49 silent steps can only give p = 1.
    expect(adjusted[0]).toBeCloseTo(2 / 924, 12);
    expect(adjusted.slice(1).every((each) => each === 1)).toBe(true);
  });

  it('sums the chance each other test could reach the p: 6/6 against 0/6 beside one test of 3/6 against 3/6', () => {
    // The second table's margins (6 passes of 12) can reach 2/924 too (all six on one side): the decisive p is doubled.
    const adjusted = discreteHolm([fisherTest(0, 6, 6, 6), fisherTest(3, 6, 3, 6)]);
    expect(adjusted[0]).toBeCloseTo(4 / 924, 12);
    expect(adjusted[1]).toBe(1);
  });

  it('leaves a test with no p (NaN) out of the family', () => {
    expect(discreteHolm([{ p: NaN, attainable: [] }, continuous(0.02), continuous(0.03)]).map((each) => (Number.isNaN(each) ? 'NaN' : Number(each.toFixed(6))))).toEqual(['NaN', 0.04, 0.04]);
  });

  it("gives the p-values Fisher's exact test gives for every table with the observed margins", () => {
    for (const [trialsA, trialsB] of [[3, 3], [6, 10], [20, 20], [12, 50]] as const) {
      for (let passes = 0; passes <= trialsA + trialsB; passes += 1) {
        const lowest = Math.max(0, passes - trialsA);
        const highest = Math.min(passes, trialsB);
        const test = fisherTest(passes - lowest, trialsA, lowest, trialsB);
        expect(test.attainable).toHaveLength(highest - lowest + 1);
        for (let x = lowest; x <= highest; x += 1) expect(test.attainable[x - lowest]).toBeCloseTo(fisherExact(passes - x, trialsA, x, trialsB).twoSided, 10);
      }
    }
  });
});
