import { EXIT, LemmingError } from '../../errors.js';
import { showGiven } from '../../format/format.js';
import type { Org } from '../../org/org.js';
import { requireAgent } from '../../org/must-exist.js';
import { appendOutsideTurn } from './ledger.js';

/**
 * The most one top-up may add: a million credits. Credits stand for money spent on models, and a
 * budget past this is a typo or an attack (1e308 twice is Infinity, and JSON writes Infinity as
 * null); two top-ups are the way to more. `lemming top-up`, the dashboard and the CLI's parser of
 * amounts all answer to this one number.
 */
export const MAX_TOP_UP_CREDITS = 1_000_000;

/**
 * Why an amount cannot be a top-up, or nothing: credits enter only as finite amounts above 0, at
 * most MAX_TOP_UP_CREDITS at a time, in whole billionths (what charges are rounded to), so every
 * sum of the ledger is exact. Every route in (the CLI, the dashboard's API, chat) comes here.
 * `amount` is what the amount is, as the refusal says it: a top-up, or another amount held to
 * the same rule (`each agent's budget`).
 */
export function topUpProblem(credits: unknown, amount = 'one top-up'): string | undefined {
  if (typeof credits !== 'number' || !Number.isFinite(credits) || credits <= 0) return 'credits must be a number above 0';
  if (credits > MAX_TOP_UP_CREDITS) return `credits must be at most ${MAX_TOP_UP_CREDITS} for ${amount}`;
  if (Math.abs(credits * 1e9 - Math.round(credits * 1e9)) > 1e-3) return 'credits have at most 9 decimals';
  return undefined;
}

/**
 * Give an agent more credits: one ledger line, picked up by a running engine at its next turn.
 * Throws LemmingError for the human, an unknown agent, or an amount topUpProblem refuses.
 */
export function topUp(org: Org, agent: string, credits: number, now = new Date()): void {
  const target = requireAgent(org, agent);
  if (target.isHuman) throw new LemmingError('human-credits', 'the human spends no credits, so it cannot be topped up; top up an agent the engine calls, for example `lemming top-up manager 0.5`', { exitCode: EXIT.usage });
  const problem = topUpProblem(credits);
  if (problem !== undefined) throw new LemmingError('bad-credits', `${problem} (got ${showGiven(credits)}), for example \`lemming top-up ${agent} 0.5\``, { exitCode: EXIT.usage });
  // A run killed inside a ledger append leaves half a line: appended to it, this top-up would be
  // lost with it. It is cut first, unless an engine holds the org (it cut it when it started).
  appendOutsideTurn(org.root, false, () => [{ type: 'top-up', agent, credits, at: now.toISOString() }]);
}
