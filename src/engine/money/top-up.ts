import { mkdirSync } from 'node:fs';
import { LemmingError } from '../../errors.js';
import type { Org } from '../../org/org.js';
import { requireAgent } from '../../org/must-exist.js';
import { appendLedger, repairLedger } from './ledger.js';
import { lockHolder } from '../record/lock.js';
import { statePaths } from '../record/state-paths.js';

/** The most credits one top-up may add: far above any real budget, and far from where sums lose exactness. */
export const MAX_TOP_UP_CREDITS = 1_000_000;

/** Give an agent more credits: one ledger line, picked up by a running engine at its next turn. */
export function topUp(org: Org, agent: string, credits: number, now = new Date()): void {
  const target = requireAgent(org, agent);
  if (target.isHuman) throw new LemmingError('human-credits', 'the human spends no credits, so it cannot be topped up');
  if (!Number.isFinite(credits) || credits <= 0) {
    throw new LemmingError('bad-credits', `credits must be a number above 0, for example \`lemming top-up ${agent} 0.5\``);
  }
  const paths = statePaths(org.root);
  mkdirSync(paths.directory, { recursive: true });
  // A run killed inside a ledger append leaves half a line: appended to it, this top-up
  // would be lost with it. A live engine repaired the ledger when it started.
  if (!lockHolder(org.root)) repairLedger(paths.ledger);
  appendLedger(paths.ledger, [{ type: 'top-up', agent, credits, at: now.toISOString() }]);
}
