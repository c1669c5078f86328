/**
 * Credits added up in billionths of a credit, the ledger's unit: every charge is priced to a
 * billionth (charge.ts), so a sum of them is exact in billionths, where a sum of floats is not
 * (0.0031525 + … reads 0.050422499999999995). What a report gives as a total of charges. Pure.
 */
export function sumCredits(amounts: Iterable<number>): number {
  let nano = 0;
  for (const amount of amounts) nano += Math.round(amount * 1e9);
  return nano / 1e9;
}

/**
 * `sum + credits` by the same rule, with no list made: what a running total of the ledger adds a line
 * with (ledger.ts, addEntries, once a charge each turn). A total too large for billionths to be whole
 * numbers (past some 9 million credits) is added as it is, as sumCredits would lose nothing more. Pure.
 */
export function addCredits(sum: number, credits: number): number {
  const nano = Math.round(sum * 1e9) + Math.round(credits * 1e9);
  return Number.isSafeInteger(nano) ? nano / 1e9 : sum + credits;
}
