import { mkdirSync } from 'node:fs';
import { LemmingError } from '../../errors.js';
import type { Org } from '../../org/org.js';
import { requireAgent } from '../../org/must-exist.js';
import { appendLedger, repairLedger } from './ledger.js';
import { lockHolder } from '../record/lock.js';
import { statePaths } from '../record/state-paths.js';

/**
 * The most one top-up may add: a million credits. Credits stand for money spent on models, and a
 * budget past this is a typo or an attack (1e308 twice is Infinity, and JSON writes Infinity as
 * null); two top-ups are the way to more. `lemming top-up`, the dashboard and the CLI's parser of
 * amounts all answer to this one number.
 */
export const MAX_TOP_UP_CREDITS = 1_000_000;

/** Whether `credits` is an amount one top-up may add: a finite number above 0 and at most MAX_TOP_UP_CREDITS. */
export function isTopUpAmount(credits: number): boolean {
  return Number.isFinite(credits) && credits > 0 && credits <= MAX_TOP_UP_CREDITS;
}

/**
 * Give an agent more credits: one ledger line, picked up by a running engine at its next turn.
 * Throws LemmingError for the human, an unknown agent, or an amount `isTopUpAmount` refuses.
 */
export function topUp(org: Org, agent: string, credits: number, now = new Date()): void {
  const target = requireAgent(org, agent);
  if (target.isHuman) throw new LemmingError('human-credits', 'the human spends no credits, so it cannot be topped up');
  if (!isTopUpAmount(credits)) {
    throw new LemmingError('bad-credits', `credits must be a number above 0 and at most ${MAX_TOP_UP_CREDITS} for one top-up (got ${credits}), for example \`lemming top-up ${agent} 0.5\``);
  }
  const paths = statePaths(org.root);
  mkdirSync(paths.directory, { recursive: true });
  // A run killed inside a ledger append leaves half a line: appended to it, this top-up
  // would be lost with it. A live engine repaired the ledger when it started.
  if (!lockHolder(org.root)) repairLedger(paths.ledger);
  appendLedger(paths.ledger, [{ type: 'top-up', agent, credits, at: now.toISOString() }]);
}
