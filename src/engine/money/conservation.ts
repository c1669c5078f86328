import type { LedgerEntry } from './ledger.js';
import { MAX_TOP_UP_CREDITS } from './top-up.js';

/** What the money of an org is checked against: each agent's budget, and the hires carried out. */
export interface MoneyRecord {
  /** Each agent's budget from its resume: the org's agents and the retired ones alike. */
  budgets: ReadonlyMap<string, number>;
  /** The ledger, in the order it was written. */
  entries: readonly LedgerEntry[];
  /** Hires carried out, by the proposal that made them: the agent and the budget it was promised. */
  hires: ReadonlyMap<string, { agent: string; credits: number }>;
  /** What lemming's own code says each agent holds (what `status` shows), checked against the sum. */
  balances?: ReadonlyMap<string, number>;
}

/** Credits in billionths, as whole numbers: sums of them are exact, where sums of decimals are not. */
function nano(credits: number): bigint {
  return BigInt(Math.round(credits * 1e9));
}

/** Whether a figure is a whole number of billionths of a credit (what prices round to). */
function exact(credits: number): boolean {
  return Math.abs(credits * 1e9 - Math.round(credits * 1e9)) < 1e-3;
}

function show(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(10, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -9)}.${digits.slice(-9)}`;
}

/**
 * Money is conserved: credits enter only as budgets and top-ups, move only in transfers that
 * balance (one line out, one in, per proposal), and leave only as charges. So, exactly, what every
 * agent holds plus what was spent equals the budgets plus the top-ups. Also: every amount is a
 * finite number of billionths, top-ups are positive and under the ceiling, no transfer takes its
 * giver below zero, and a hired agent's money is the transfer its proposal paid (its resume's
 * budget is 0). Returns one line per broken rule. Pure.
 */
export function conservationProblems(record: MoneyRecord): string[] {
  const problems: string[] = [];
  const held = new Map<string, bigint>();
  for (const [agent, budget] of record.budgets) {
    if (!Number.isFinite(budget) || budget < 0) problems.push(`agents/${agent}/resume.md: a budget of ${budget} is not a number of 0 or more`);
    else held.set(agent, nano(budget));
  }
  let entered = [...held.values()].reduce((sum, value) => sum + value, 0n);
  let spent = 0n;
  const transfers = new Map<string, Array<Extract<LedgerEntry, { type: 'transfer' }>>>();
  for (const entry of record.entries) {
    const where = `ledger: ${entry.type} of ${entry.agent}${entry.type === 'charge' || entry.type === 'research' ? ` in turn ${entry.turn}` : ''}`;
    if (typeof entry.credits !== 'number' || !Number.isFinite(entry.credits) || !exact(entry.credits)) {
      problems.push(`${where}: ${String(entry.credits)} is not a finite number of credits with at most 9 decimals`);
      continue;
    }
    const amount = nano(entry.credits);
    const before = held.get(entry.agent) ?? 0n;
    if (entry.type === 'research') {
      // Paid by the research account, outside the agents' money: it neither enters nor leaves what they hold.
      if (amount < 0n) problems.push(`${where}: a negative research charge (${entry.credits})`);
      continue;
    }
    if (entry.type === 'charge') {
      if (amount < 0n) problems.push(`${where}: a negative charge (${entry.credits})`);
      spent += amount;
      held.set(entry.agent, before - amount);
    } else if (entry.type === 'top-up') {
      if (amount <= 0n || entry.credits > MAX_TOP_UP_CREDITS) problems.push(`${where}: ${entry.credits} is not a top-up above 0 and at most ${MAX_TOP_UP_CREDITS}`);
      entered += amount;
      held.set(entry.agent, before + amount);
    } else {
      if (amount < 0n && before + amount < 0n) problems.push(`${where}: gives ${-entry.credits} credits but held ${show(before)}`);
      held.set(entry.agent, before + amount);
      transfers.set(entry.proposal, [...(transfers.get(entry.proposal) ?? []), entry]);
    }
  }
  for (const [proposal, lines] of transfers) {
    const net = lines.reduce((sum, line) => sum + nano(line.credits), 0n);
    const paired = lines.length === 2 && lines.some((line) => line.credits < 0) && lines.some((line) => line.credits > 0);
    if (!paired || net !== 0n) problems.push(`ledger: the transfer of ${proposal} is not one line out and one line in that cancel (${lines.map((line) => `${line.agent} ${line.credits}`).join(', ')})`);
  }
  for (const [proposal, hire] of record.hires) {
    const budget = record.budgets.get(hire.agent);
    if (budget !== undefined && budget !== 0) problems.push(`agents/${hire.agent}/resume.md: a hire by ${proposal} has a budget of its own (${budget}); its credits must come from its proposer`);
    const paid = (transfers.get(proposal) ?? []).find((line) => line.agent === hire.agent && line.credits > 0)?.credits ?? 0;
    const refunded = (transfers.get(`${proposal}:refund`) ?? []).length > 0;
    if (!refunded && hire.credits > 0 && paid !== hire.credits) problems.push(`ledger: ${proposal} hired ${hire.agent} for ${hire.credits} credits but moved ${paid}`);
  }
  for (const [agent, balance] of record.balances ?? []) {
    const expected = held.get(agent) ?? 0n;
    if (!Number.isFinite(balance) || nano(balance) !== expected) problems.push(`agents/${agent}: lemming says it holds ${balance} credits, but its budget, top-ups, transfers and charges come to ${show(expected)}`);
  }
  const holding = [...held.values()].reduce((sum, value) => sum + value, 0n);
  if (holding + spent !== entered) {
    problems.push(`ledger: the agents hold ${show(holding)} and spent ${show(spent)}, which is not the ${show(entered)} that budgets and top-ups brought in`);
  }
  return problems;
}
