/**
 * Many verdicts in one report (a calibration's 12 to 48 group rows, a network comparison's measures):
 * each tested at 5 % alone, one in twenty true nulls is called a finding. Benjamini and Hochberg's
 * step-up (1995) keeps the expected share of false findings among those called at most q, for
 * independent or positively dependent tests. Pure.
 */

/**
 * Benjamini–Hochberg adjusted p-values (q-values) of a family, in the order given: p(i)·m/i for the
 * i-th smallest, made monotone from the largest down and capped at 1. A verdict is called where its
 * q-value is below the rate to control (0.05). A p that is not a number is left out of the family
 * (m counts the others) and its q is NaN.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const tested = pValues.map((p, index) => ({ p, index })).filter((entry) => Number.isFinite(entry.p));
  const m = tested.length;
  const adjusted = pValues.map(() => NaN);
  tested.sort((left, right) => left.p - right.p);
  let running = 1;
  for (let rank = m; rank >= 1; rank -= 1) {
    const entry = tested[rank - 1]!;
    running = Math.min(running, (entry.p * m) / rank);
    adjusted[entry.index] = Math.min(1, running);
  }
  return adjusted;
}
