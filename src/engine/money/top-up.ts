import { EXIT, LemmingError } from '../../errors.js';
import { showGiven } from '../../format/format.js';
import type { Org } from '../../org/org.js';
import { requireAgent } from '../../org/must-exist.js';
import { appendOutsideTurn } from './ledger.js';
import { givenCreditsProblem, MAX_GIVEN_CREDITS } from '../../org/ledger-line.js';

/** The most one top-up may add: the most credits a person gives at once (org/ledger-line.ts). */
export const MAX_TOP_UP_CREDITS = MAX_GIVEN_CREDITS;

/**
 * Why an amount cannot be a top-up, or nothing: the rule of every amount of credits a person gives
 * (givenCreditsProblem), said of credits. Every route in (the CLI, the dashboard's API, chat) comes
 * here. `amount` is what the amount is, as the refusal says it: a top-up, or another amount held to
 * the same rule (`each agent's budget`).
 */
export function topUpProblem(credits: unknown, amount = 'one top-up'): string | undefined {
  const problem = givenCreditsProblem(credits, amount);
  return problem === undefined ? undefined : `credits ${problem}`;
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
