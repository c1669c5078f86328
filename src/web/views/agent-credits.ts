import { requireAgent } from '../../org/must-exist.js';
import type { Org } from '../../org/org.js';
import type { AgentView } from '../api-types.js';
import type { LedgerTail } from './ledger-tail.js';

/** An agent's credits over the turns: what it had before its first turn, then its balance after each turn it was charged in. */
export interface AgentCredits {
  /** Its budget with what it was given or gave besides (top-ups, and hires' transfers): its balance before any charge. */
  start: number;
  turns: AgentView['credits'];
}

/**
 * The agent page's credits, for its JSON (`GET /api/agents/:name`) and its chart alike, so the two
 * show the same figures under the same rule; throws LemmingError for an unknown agent. Top-ups and
 * transfers carry no turn: they are counted in from the start, as the balance `lemming status`
 * shows counts them.
 */
export function agentCredits(org: Org, name: string, ledger: LedgerTail): AgentCredits {
  const agent = requireAgent(org, name);
  const given = ledger.all().reduce((sum, entry) => ((entry.type === 'top-up' || entry.type === 'transfer') && entry.agent === name ? sum + entry.credits : sum), 0);
  const start = agent.credits + given;
  let balance = start;
  const turns: AgentCredits['turns'] = [];
  for (const spend of ledger.spendByTurn(name)) {
    balance -= spend.credits;
    turns.push({ turn: spend.turn, spent: spend.credits, balance: Math.round(balance * 1e9) / 1e9 });
  }
  return { start: Math.round(start * 1e9) / 1e9, turns };
}
