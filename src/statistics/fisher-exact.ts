/**
 * Fisher's exact test of two proportions (a 2×2 table with both margins held), for few trials where
 * no approximation holds: a step's changed forks against its control forks, one arm of an experiment
 * against another. Each trial is the unit of repetition (a fork, a run). Pure.
 */
import { logFactorial } from './distributions.js';

/** The two p-values of one table. */
export interface FisherResult {
  /** Two-sided: the probability of every table at most as likely as the observed one. */
  twoSided: number;
  /** One-sided: the probability that b passes at least as often as observed, were both arms alike (b better than a). */
  greater: number;
}

/**
 * Fisher's exact test of `passesA` of `trialsA` against `passesB` of `trialsB`. Tables are compared
 * by their hypergeometric probability with a relative tolerance of 1e-7, as R's fisher.test does.
 */
export function fisherExact(passesA: number, trialsA: number, passesB: number, trialsB: number): FisherResult {
  if (trialsA <= 0 || trialsB <= 0) return { twoSided: NaN, greater: NaN };
  const passes = passesA + passesB;
  const total = trialsA + trialsB;
  const logDenominator = logFactorial(total) - logFactorial(passes) - logFactorial(total - passes);
  // P(B has x passes): C(trialsB, x)·C(trialsA, passes − x) / C(total, passes).
  const probability = (x: number): number =>
    Math.exp(
      logFactorial(trialsB) - logFactorial(x) - logFactorial(trialsB - x) + logFactorial(trialsA) - logFactorial(passes - x) - logFactorial(trialsA - passes + x) - logDenominator,
    );
  const lowest = Math.max(0, passes - trialsA);
  const highest = Math.min(passes, trialsB);
  const observed = probability(passesB);
  let twoSided = 0;
  let greater = 0;
  for (let x = lowest; x <= highest; x += 1) {
    const p = probability(x);
    if (p <= observed * (1 + 1e-7)) twoSided += p;
    if (x >= passesB) greater += p;
  }
  return { twoSided: Math.min(1, twoSided), greater: Math.min(1, greater) };
}
