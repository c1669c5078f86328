/**
 * Many tests read at once, the chance of any false call held: Holm's step-down procedure on tests whose
 * p-values take few values (Fisher's exact test of a few forks a side), with each test's own attainable
 * p-values in place of the uniform bound (the "discrete Bonferroni–Holm" of Westfall & Wolfinger, *The
 * American Statistician* 51, 1997; Hommel & Krummenauer, *Biometrical Journal* 40, 1998). A test that
 * cannot reach a small p (a step whose forks and controls all failed) costs the others nothing, where
 * Holm's own rule would charge it the full α/m. It controls the family-wise error rate, the chance that
 * any true null is rejected, at the level the adjusted p is read at. Pure.
 */
import { fisherExact } from './fisher-exact.js';

/** One test of the family: its p and every p it could have given under its null (the margins held). */
export interface DiscreteTest {
  p: number;
  /**
   * The p-values the test can take: for Fisher's test, one a table with the observed margins; `any`
   * where they are not listed (a permutation test's), so each is charged as a p that can take any value.
   */
  attainable: readonly number[] | 'any';
}

/** Two p-values a rounding apart are one value: the tolerance R's fisher.test compares tables with. */
const TOLERANCE = 1 + 1e-7;

/** P(p ≤ t) under the test's null: the largest attainable p at most t (a p-value's chance of being at most itself is itself). */
function chanceAtMost(test: DiscreteTest, t: number): number {
  if (test.attainable === 'any') return Math.min(1, t);
  let most = 0;
  for (const value of test.attainable) if (value <= t * TOLERANCE && value > most) most = value;
  return most;
}

/**
 * Each test's p adjusted for the family (in the tests' own order): ordered by p, the i-th smallest is
 * adjusted to the sum, over it and every test with a larger p, of the chance that test's p falls at or
 * below it, at most 1, and never below an adjusted p before it. Reject where the adjusted p is below α.
 * A test with no p (NaN) is no member of the family and keeps NaN. Where every test could take any value
 * (`attainable` dense in [0, 1]) this is Holm's (1979) step-down Bonferroni.
 */
export function discreteHolm(tests: readonly DiscreteTest[]): number[] {
  const order = tests
    .map((test, index) => ({ test, index }))
    .filter((each) => Number.isFinite(each.test.p))
    .sort((left, right) => left.test.p - right.test.p || left.index - right.index);
  const adjusted = tests.map(() => NaN);
  let floor = 0;
  for (const [rank, { test, index }] of order.entries()) {
    let sum = 0;
    for (const later of order.slice(rank)) sum += chanceAtMost(later.test, test.p);
    floor = Math.max(floor, Math.min(1, sum));
    adjusted[index] = floor;
  }
  return adjusted;
}

/**
 * Holm's (1979) step-down adjustment of p-values whose attainable values are not listed (a
 * permutation test's): each p charged as one that can take any value, which holds the family-wise
 * error rate for discrete tests too (it only spends less of it than it may). NaN stays NaN. Pure.
 */
export function holm(pValues: readonly number[]): number[] {
  return discreteHolm(pValues.map((p) => ({ p, attainable: 'any' })));
}

/**
 * Fisher's exact test of `passesA` of `trialsA` against `passesB` of `trialsB` as a member of a family:
 * its two-sided p (fisher-exact.ts) and every two-sided p a table with the same margins gives, from the
 * hypergeometric distribution of B's passes built once by the ratio of neighbouring tables (one pass,
 * where asking fisherExact of each table would walk them all again for each).
 */
export function fisherTest(passesA: number, trialsA: number, passesB: number, trialsB: number): DiscreteTest {
  const passes = passesA + passesB;
  const lowest = Math.max(0, passes - trialsA);
  const highest = Math.min(passes, trialsB);
  // ln P(x) up to a constant: P(x + 1) / P(x) = (passes − x)(trialsB − x) / ((x + 1)(trialsA − passes + x + 1)).
  const logWeights = [0];
  for (let x = lowest; x < highest; x += 1) logWeights.push(logWeights.at(-1)! + Math.log(((passes - x) * (trialsB - x)) / ((x + 1) * (trialsA - passes + x + 1))));
  const top = Math.max(...logWeights);
  const weights = logWeights.map((each) => Math.exp(each - top));
  const total = weights.reduce((sum, each) => sum + each, 0);
  const probabilities = weights.map((each) => each / total);
  const attainable = probabilities.map((observed) => Math.min(1, probabilities.reduce((sum, each) => (each <= observed * TOLERANCE ? sum + each : sum), 0)));
  return { p: fisherExact(passesA, trialsA, passesB, trialsB).twoSided, attainable };
}
