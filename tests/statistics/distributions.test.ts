import { describe, expect, it } from 'vitest';
import { logFactorial, logGamma, normalCdf, normalQuantile, studentCdf, studentQuantile, twoSidedZ } from '../../src/statistics/distributions.js';
import { benjaminiHochberg } from '../../src/statistics/false-discovery.js';
import { fisherExact } from '../../src/statistics/fisher-exact.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import { tInterval } from '../../src/statistics/student-t.js';

/*
 * Reference values from SciPy 1.17 (scipy.stats.t, scipy.stats.norm, scipy.special.gammaln,
 * scipy.stats.fisher_exact), an implementation independent of both stdlib-js and lemming; the Wilson
 * interval from its closed form evaluated in NumPy. Held to 1e-9 relative or better: the figures a
 * report prints have three decimals, and a p-value is compared with 0.05.
 */
function near(actual: number, expected: number, relative = 1e-9): void {
  expect(Math.abs(actual - expected), `${actual} against ${expected}`).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe('the distribution functions the library gives, against SciPy', () => {
  it("Student's t quantile and cumulative distribution", () => {
    const quantiles: Array<[number, number]> = [
      [1, 12.706204736174694],
      [2, 4.302652729749462],
      [3, 3.1824463052837078],
      [4, 2.7764451051977934],
      [5, 2.5705818356363146],
      [9, 2.262157162798205],
      [10, 2.228138851986274],
      [30, 2.0422724563012378],
      [120, 1.9799304050824402],
      [1000, 1.9623390808264083],
    ];
    for (const [degrees, quantile] of quantiles) near(studentQuantile(0.975, degrees), quantile);
    near(studentQuantile(0.9, 4), 1.533206274058944);
    near(studentQuantile(0.001, 7), -4.785289628638334);
    near(studentCdf(2, 5), 0.9490302605850708);
    near(studentCdf(-1.5, 3), 0.11529193262241147);
    near(studentCdf(0.3, 40), 0.6171346416144905);
    near(studentCdf(4, 2), 0.9714045207910317);
    expect(studentQuantile(1, 4)).toBeNaN();
    expect(studentQuantile(0.5, 0)).toBeNaN();
  });

  it("the standard normal's quantile and cumulative distribution", () => {
    near(normalQuantile(0.975), 1.959963984540054);
    near(twoSidedZ(0.9), 1.6448536269514722);
    near(twoSidedZ(0.99), 2.5758293035489004);
    near(normalQuantile(0.001), -3.090232306167813);
    near(normalQuantile(1e-8), -5.612001244174789);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1)).toBeNaN();
    near(normalCdf(1.96), 0.9750021048517795);
    near(normalCdf(-2.5), 0.006209665325776132);
    near(normalCdf(0.1), 0.539827837277029);
  });

  it('the logarithm of the gamma function and of factorials', () => {
    const values: Array<[number, number]> = [
      [0.001, 6.907178885383853],
      [0.5, 0.5723649429247],
      [1, 0],
      [3.5, 1.2009736023470743],
      [10, 12.801827480081469],
      [100, 359.1342053695754],
      [10_000, 82099.71749644238],
    ];
    for (const [x, value] of values) near(logGamma(x), value);
    near(logFactorial(9), 12.801827480081469);
    expect(logFactorial(0)).toBe(0);
  });
});

describe("lemming's own statistics built on them, against SciPy", () => {
  it("Fisher's exact test, two-sided", () => {
    // fisherExact(passes of A, trials of A, passes of B, trials of B) is the table [[A pass, A fail], [B pass, B fail]].
    near(fisherExact(1, 4, 3, 4).twoSided, 0.48571428571428565);
    near(fisherExact(0, 6, 3, 6).twoSided, 0.18181818181818185);
    near(fisherExact(2, 10, 9, 10).twoSided, 0.005477494641581328);
    near(fisherExact(12, 17, 4, 19).twoSided, 0.006364071141359916);
  });

  it("Benjamini–Hochberg's adjusted p-values (scipy.stats.false_discovery_control)", () => {
    const cases: Array<[number[], number[]]> = [
      [
        [0.01, 0.04, 0.03, 0.005],
        [0.02, 0.04, 0.04, 0.02],
      ],
      [
        [0.2, 0.001, 0.9, 0.04, 0.049, 0.03, 0.6],
        [0.28, 0.007, 0.9, 0.08575, 0.08575, 0.08575, 0.7],
      ],
    ];
    for (const [pValues, adjusted] of cases) benjaminiHochberg(pValues).forEach((q, index) => near(q, adjusted[index]!));
    // A p that is not a number is outside the family: the others are adjusted over three, not four.
    const withGap = benjaminiHochberg([0.01, NaN, 0.04, 0.03]);
    expect(withGap[1]).toBeNaN();
    near(withGap[0]!, 0.03);
    near(withGap[2]!, 0.04);
  });

  it('the Wilson interval and the t interval', () => {
    const wilson: Array<[number, number, [number, number]]> = [
      [3, 10, [0.10779126740630099, 0.6032218525388546]],
      [0, 6, [0, 0.39033428790216534]],
      [6, 6, [0.6096657120978346, 1]],
      [47, 120, [0.3089919697233256, 0.4810621830007269]],
    ];
    for (const [successes, trials, [low, high]] of wilson) {
      const interval = wilsonInterval(successes, trials);
      near(interval[0], low);
      near(interval[1], high);
    }
    // scipy.stats.t.interval(0.95, 4, loc=mean, scale=sem) of 1.2, 0.7, 2.9, 1.1, 1.8.
    const [low, high] = tInterval([1.2, 0.7, 2.9, 1.1, 1.8]);
    near(low, 0.4769441632298346);
    near(high, 2.6030558367701655);
  });
});
