import { describe, expect, test } from 'vitest';
import { quantileOf, type Distribution } from '../../src/population/distributions.js';

/*
 * A numeric attribute's values are quantiles of the distribution the spec names (stratified: the
 * i-th of n people from the i-th of n slices of probability). Those quantiles come from the one home
 * of distribution functions, src/statistics/distributions.ts (stdlib-js), not from a second,
 * hand-written normal CDF and quantile in src/population/: the erfc approximation there was off by
 * up to 1.2e-7 in probability and Acklam's quantile by 1.2e-9, so a cut normal's values were off in
 * their seventh digit. Reference values from SciPy 1.17 (scipy.stats.norm, scipy.stats.truncnorm),
 * independent of both; held to 1e-12 relative.
 */
function near(actual: number, expected: number, relative = 1e-12): void {
  expect(Math.abs(actual - expected), `${actual} against ${expected}`).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

const normal = (extra: Partial<Extract<Distribution, { kind: 'normal' }>> = {}): Distribution => ({ kind: 'normal', mean: 0, sd: 1, decimals: 0, ...extra });

describe("a numeric attribute's quantiles are the exact distribution's", () => {
  test('a normal, uncut: the quantiles every table prints, to the last digits', () => {
    near(quantileOf(normal(), 0.975), 1.959963984540054);
    near(quantileOf(normal(), 0.025), -1.959963984540054);
    near(quantileOf(normal(), 0.001), -3.090232306167813);
    near(quantileOf(normal({ mean: 40, sd: 10 }), 0.9), 40 + 10 * 1.2815515655446004);
    expect(quantileOf(normal(), 0.5)).toBe(0);
  });

  test('a normal cut at its bounds: the quantile within the cut (scipy.stats.truncnorm.ppf)', () => {
    // Half a standard normal, above 0: its median is the normal's 0.75 quantile.
    near(quantileOf(normal({ min: 0 }), 0.5), 0.6744897501960817);
    // docs/people.md's ages: mean 40, sd 10, cut at 21 and 67 (truncnorm.ppf(q, -1.9, 2.7, 40, 10)).
    near(quantileOf(normal({ mean: 40, sd: 10, min: 21, max: 67 }), 0.5), 40.31650946877862);
    near(quantileOf(normal({ mean: 40, sd: 10, min: 21, max: 67 }), 0.1), 28.520674579476623);
    // The bounds themselves, and never past them.
    expect(quantileOf(normal({ mean: 40, sd: 10, min: 21, max: 67 }), 0)).toBe(21);
    expect(quantileOf(normal({ mean: 40, sd: 10, min: 21, max: 67 }), 1)).toBe(67);
  });

  test('a lognormal: the normal of its logarithm', () => {
    near(quantileOf({ kind: 'lognormal', median: 50_000, sigma: 0.3, decimals: 0 }, 0.975), 50_000 * Math.exp(0.3 * 1.959963984540054));
    near(quantileOf({ kind: 'lognormal', median: 50_000, sigma: 0.3, decimals: 0 }, 0.5), 50_000);
  });
});
