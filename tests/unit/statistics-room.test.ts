import { describe, expect, it } from 'vitest';
import { bootstrapMean, clusteredBootstrapMean } from '../../src/statistics/bootstrap.js';
import { intervalCoverage, normalDraw } from '../../src/statistics/coverage.js';
import { fisherExact } from '../../src/statistics/fisher-exact.js';
import { compareProportions, smallestFisherP } from '../../src/statistics/proportion-difference.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import { binomialDraw, drawCounts, sampleInOrder, shuffledSubset, splitHalves } from '../../src/statistics/sampling.js';
import { studentCdf, studentQuantile } from '../../src/statistics/distributions.js';
import { tInterval } from '../../src/statistics/student-t.js';
import { seededRandom } from '../../src/random/seeded-random.js';

describe("Student's t", () => {
  it('gives the 97.5 % quantiles of the printed tables', () => {
    // Fisher & Yates' table, as every textbook prints it (three decimals).
    const table: Array<[number, number]> = [
      [1, 12.706],
      [2, 4.303],
      [4, 2.776],
      [5, 2.571],
      [10, 2.228],
      [30, 2.042],
      [120, 1.98],
    ];
    for (const [degrees, quantile] of table) expect(studentQuantile(0.975, degrees)).toBeCloseTo(quantile, 2);
    expect(studentCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(studentQuantile(0.025, 4)).toBeCloseTo(-2.776, 3);
  });

  it('makes the t interval of a few runs from the mean and the standard error', () => {
    // Runs 1, 2, 3, 4, 5: mean 3, sd √2.5, se √0.5; t(0.975, 4) = 2.7764.
    const [low, high] = tInterval([1, 2, 3, 4, 5]);
    expect(low).toBeCloseTo(3 - 2.7764 * Math.sqrt(0.5), 3);
    expect(high).toBeCloseTo(3 + 2.7764 * Math.sqrt(0.5), 3);
    expect(tInterval([4])).toEqual([NaN, NaN]);
  });
});

describe('a proportion against its control', () => {
  it("each rate with its Wilson interval, the difference, and Fisher's two-sided p; three a side cannot reach 5 %", () => {
    const compared = compareProportions({ passed: 3, trials: 6 }, { passed: 0, trials: 6 });
    expect(compared.difference).toBeCloseTo(0.5, 10);
    expect(compared.p).toBeCloseTo(40 / 220, 10);
    expect(compared.treatment.interval[0]).toBeCloseTo(0.188, 3);
    expect(compared.control.interval[1]).toBeCloseTo(0.39, 2);
    expect(compareProportions({ passed: 6, trials: 6 }, { passed: 0, trials: 6 }).p).toBeCloseTo(2 / 924, 10);
    expect(compareProportions({ passed: 2, trials: 4 }, { passed: 2, trials: 4 }).difference).toBe(0);
    expect(compareProportions({ passed: 2, trials: 4 }, { passed: 2, trials: 4 }).p).toBeCloseTo(1, 10);
    expect(smallestFisherP(3)).toBeCloseTo(0.1, 10);
    expect(smallestFisherP(4)).toBeCloseTo(2 / 70, 10);
    expect(compareProportions({ passed: 1, trials: 1 }, { passed: 0, trials: 0 }).p).toBeNaN();
  });
});

describe("Fisher's exact test", () => {
  it('gives the textbook p-values', () => {
    // Three of six forks passing against none of six: p = 2·C(6,3)/C(12,3) = 40/220.
    expect(fisherExact(0, 6, 3, 6).twoSided).toBeCloseTo(40 / 220, 10);
    expect(fisherExact(0, 6, 3, 6).greater).toBeCloseTo(20 / 220, 10);
    // The lady tasting tea, 3 of 4 right: two-sided 0.4857, one-sided 0.2429.
    expect(fisherExact(1, 4, 3, 4).twoSided).toBeCloseTo(34 / 70, 10);
    expect(fisherExact(1, 4, 3, 4).greater).toBeCloseTo(17 / 70, 10);
    expect(fisherExact(2, 5, 2, 5).twoSided).toBeCloseTo(1, 10);
    expect(fisherExact(0, 0, 1, 1).twoSided).toBeNaN();
  });

  it('needs more than the default three forks a side to reach 5 %', () => {
    // Every change passing against every control failing: 3 a side cannot separate, 5 a side can.
    expect(fisherExact(0, 3, 3, 3).twoSided).toBeGreaterThan(0.05);
    expect(fisherExact(0, 5, 5, 5).twoSided).toBeLessThan(0.05);
  });
});

describe('coverage checked by simulation', () => {
  it('the Wilson interval covers a proportion about 95 % of the time', () => {
    const coverage = intervalCoverage(0.3, 2000, 11, (next) => {
      let passes = 0;
      for (let trial = 0; trial < 40; trial += 1) if (next() < 0.3) passes += 1;
      return wilsonInterval(passes, 40);
    });
    expect(coverage.share).toBeGreaterThan(0.92);
    expect(coverage.share).toBeLessThan(0.98);
    expect(coverage.meanWidth).toBeGreaterThan(0.2);
    expect(coverage.meanWidth).toBeLessThan(0.35);
  });

  it('at five runs the t interval covers and the percentile bootstrap does not', () => {
    const runs = (next: () => number): number[] => Array.from({ length: 5 }, () => 10 + 2 * normalDraw(next));
    const t = intervalCoverage(10, 600, 5, (next) => tInterval(runs(next)));
    const bootstrap = intervalCoverage(10, 600, 5, (next, trial) => bootstrapMean(runs(next), trial));
    expect(t.share).toBeGreaterThan(0.92);
    expect(bootstrap.share).toBeLessThan(0.88);
  });

  it('messages of one agent are not independent: only the cluster bootstrap covers', () => {
    // 20 agents, 8 messages each; an agent's own level (sd 1) shared by its messages, little noise (sd 0.3) between them.
    const agents = (next: () => number): number[][] =>
      Array.from({ length: 20 }, () => {
        const level = normalDraw(next);
        return Array.from({ length: 8 }, () => level + 0.3 * normalDraw(next));
      });
    const clustered = intervalCoverage(0, 300, 3, (next, trial) => clusteredBootstrapMean(agents(next), trial));
    const rows = intervalCoverage(0, 300, 3, (next, trial) => bootstrapMean(agents(next).flat(), trial));
    expect(clustered.share).toBeGreaterThan(0.88);
    expect(rows.share).toBeLessThan(0.6);
    expect(clustered.meanWidth).toBeGreaterThan(2 * rows.meanWidth);
  });

  it('an interval with a NaN end counts as missed', () => {
    expect(intervalCoverage(0, 10, 1, () => [NaN, NaN]).covered).toBe(0);
  });
});

describe('seeded draws', () => {
  it('a sample keeps the items in their order and repeats with its seed', () => {
    const items = Array.from({ length: 100 }, (_, index) => index);
    const sample = sampleInOrder(items, 10, 42);
    expect(sample).toHaveLength(10);
    expect([...sample].sort((a, b) => a - b)).toEqual(sample);
    expect(sampleInOrder(items, 10, 42)).toEqual(sample);
    expect(sampleInOrder(items, 200, 42)).toEqual(items);
  });

  it("a shuffled subset is distinct items in their order, the same for its seed, and each item drawn about size/n of the time", () => {
    const items = Array.from({ length: 20 }, (_, index) => `p${String(index).padStart(2, '0')}`);
    const subset = shuffledSubset(items, 5, 7);
    expect(new Set(subset).size).toBe(5);
    expect([...subset].sort()).toEqual(subset);
    expect(shuffledSubset(items, 5, 7)).toEqual(subset);
    expect(shuffledSubset(items, 25, 7)).toEqual(items);
    const drawn = new Map<string, number>();
    for (let seed = 0; seed < 4000; seed += 1) for (const item of shuffledSubset(items, 5, seed)) drawn.set(item, (drawn.get(item) ?? 0) + 1);
    // Each of 20 items in a quarter of 4,000 draws: 1,000 each, sd 27.4; within 5 sd.
    for (const item of items) expect(Math.abs((drawn.get(item) ?? 0) - 1000)).toBeLessThan(137);
  });

  it('a binomial draw has the binomial distribution: its frequencies match the exact probabilities', () => {
    const next = seededRandom(21);
    for (const [n, p] of [
      [10, 0.3],
      [2000, 0.13],
      [7, 0.95],
    ] as const) {
      const draws = 40_000;
      const seen = new Map<number, number>();
      for (let index = 0; index < draws; index += 1) {
        const value = binomialDraw(n, p, next);
        seen.set(value, (seen.get(value) ?? 0) + 1);
      }
      let meanSeen = 0;
      for (const [value, count] of seen) meanSeen += (value * count) / draws;
      expect(meanSeen).toBeCloseTo(n * p, n > 100 ? 0 : 1);
      // Each value within 5 standard errors of its exact probability (for n = 2000 the ten likeliest).
      for (let value = Math.floor(n * p) - 5; value <= Math.floor(n * p) + 5; value += 1) {
        if (value < 0 || value > n) continue;
        // The exact probability by the ratio of successive terms, in logs (C(2000, 255) is past a double).
        let logExact = n * Math.log(1 - p);
        for (let k = 1; k <= value; k += 1) logExact += Math.log((n - k + 1) / k) + Math.log(p / (1 - p));
        const exact = Math.exp(logExact);
        const share = (seen.get(value) ?? 0) / draws;
        expect(Math.abs(share - exact), `n ${n} p ${p} value ${value}`).toBeLessThan(5 * Math.sqrt((exact * (1 - exact)) / draws) + 1e-4);
      }
    }
    expect(binomialDraw(0, 0.5, next)).toBe(0);
    expect(binomialDraw(5, 1, next)).toBe(5);
  });

  it('counts drawn and halves split keep every person', () => {
    const next = seededRandom(9);
    expect(drawCounts([0.2, 0.5, 0.3], 1000, next).reduce((sum, count) => sum + count, 0)).toBe(1000);
    const [first, second] = splitHalves([10, 5, 6], next);
    expect(first.map((count, option) => count + (second[option] ?? 0))).toEqual([10, 5, 6]);
    // 21 people: the first half takes the middle one.
    expect(first.reduce((sum, count) => sum + count, 0)).toBe(11);
  });
});
