import { orgStatus } from '../../engine/human/org-status.js';
import { topUp } from '../../engine/money/top-up.js';
import { loadOrg } from '../../org/load-org-once.js';
import type { Output } from '../cli-context.js';
import { showCredits } from '../../format/format.js';

/**
 * `lemming top-up`: append a top-up to the ledger and print the balance. Throws LemmingError
 * for the human, an unknown agent or an amount not above 0.
 */
export function topUpCommand(root: string, agent: string, amount: number, output: Output): number {
  const { org } = loadOrg(root);
  topUp(org, agent, amount);
  const balance = orgStatus(org).agents.find((status) => status.name === agent)?.balance ?? 0;
  output.out(`topped up ${agent} by ${showCredits(amount)} credits; ${showCredits(balance)} left`);
  return 0;
}
