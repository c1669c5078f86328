import type { LogEntry } from '../../src/engine/record/agent-log.js';
import { chargedTokens, type LedgerEntry } from '../../src/engine/money/ledger.js';
import { priceCall } from '../../src/engine/money/charge.js';
import { frontMatterCredits } from '../../src/mailbox/message-format.js';
import type { MessageUsage } from '../../src/mailbox/message.js';
import type { Org } from '../../src/org/org.js';
import type { OrgRecord } from './org-record.js';

type Charge = Extract<LedgerEntry, { type: 'charge' }>;

/** Each agent's balance from the ledger as it stands: budget + top-ups − charges. */
export function balances(record: OrgRecord, org: Org): Map<string, number> {
  const result = new Map<string, number>();
  for (const [agent, budget] of record.retiredBudgets) result.set(agent, budget);
  for (const agent of org.agents.values()) result.set(agent.name, agent.credits);
  for (const entry of record.ledger) {
    const before = result.get(entry.agent) ?? 0;
    result.set(entry.agent, entry.type === 'charge' ? before - entry.credits : before + entry.credits);
  }
  return result;
}

/** The same tokens on a charge line and in a log line or a message's usage: cache counts included, absent meaning none. */
function sameTokens(charge: Charge, usage: MessageUsage | LogEntry): boolean {
  return (
    charge.input_tokens === usage.inputTokens &&
    charge.output_tokens === usage.outputTokens &&
    (charge.cached_input_tokens ?? 0) === (usage.cachedInputTokens ?? 0) &&
    (charge.cache_write_tokens ?? 0) === (usage.cacheWriteTokens ?? 0)
  );
}

/**
 * A charge is its tokens at its model's prices; a charge of answers from several models (`models`)
 * is each model's tokens at that model's prices, and the shares add up to the line exactly.
 */
function priceViolations(entry: Charge, org: Org): string[] {
  const where = `ledger: ${entry.agent}'s charge for turn ${entry.turn}`;
  if (entry.models === undefined) {
    const model = org.models[entry.model];
    return model && priceCall(chargedTokens(entry), model) !== entry.credits ? [`${where} (${entry.credits}) is not its tokens (cached ones included) at ${entry.model}'s prices`] : [];
  }
  const violations: string[] = [];
  const shares = Object.entries(entry.models);
  for (const [key, share] of shares) {
    const model = org.models[key];
    if (model && priceCall(chargedTokens({ ...entry, ...share }), model) !== share.credits) violations.push(`${where}: ${key}'s share (${share.credits}) is not its tokens at ${key}'s prices`);
  }
  const sum = (pick: (share: (typeof shares)[number][1]) => number): number => shares.reduce((total, [, share]) => total + pick(share), 0);
  if (Math.round(sum((share) => share.credits) * 1e9) !== Math.round(entry.credits * 1e9)) violations.push(`${where}: the models' shares do not add up to its ${entry.credits} credits`);
  if (sum((share) => share.input_tokens) !== entry.input_tokens || sum((share) => share.output_tokens) !== entry.output_tokens) violations.push(`${where}: the models' shares do not add up to its tokens`);
  return violations;
}

function sameUsage(charge: Charge, entry: LogEntry): boolean {
  return (
    charge.model === entry.model &&
    sameTokens(charge, entry) &&
    charge.credits === entry.credits &&
    (charge.estimated ?? false) === (entry.estimated ?? false)
  );
}

/**
 * The ledger against everything else: one charge per agent and turn, each matching
 * the `charged` line of the agent's log and the usage in the messages that call
 * wrote (the cached tokens too), priced by the engine's own `priceCall` as the
 * registry says; and no charge for a call made at zero.
 */
export function ledgerViolations(record: OrgRecord, org: Org, handDropped: ReadonlySet<string>): string[] {
  const violations: string[] = [];
  const charges = new Map<string, Charge>();
  for (const entry of record.ledger) {
    if (entry.type !== 'charge') continue;
    const key = `${entry.turn}:${entry.agent}`;
    if (charges.has(key)) violations.push(`ledger: ${entry.agent} is charged twice for turn ${entry.turn}`);
    charges.set(key, entry);
    violations.push(...priceViolations(entry, org));
  }

  const logged = new Set<string>();
  for (const [agent, entries] of record.logs) {
    for (const entry of entries.filter((line) => line.event === 'charged')) {
      const key = `${entry.turn}:${agent}`;
      if (logged.has(key)) violations.push(`agents/${agent}/logs: charged twice in turn ${entry.turn}`);
      logged.add(key);
      const charge = charges.get(key);
      if (!charge) violations.push(`agents/${agent}/logs: a charge in turn ${entry.turn} that the ledger does not hold`);
      else if (!sameUsage(charge, entry)) violations.push(`agents/${agent}/logs: the charge in turn ${entry.turn} differs from the ledger's`);
    }
  }
  for (const key of charges.keys()) if (!logged.has(key)) violations.push(`ledger: the charge ${key} has no charged line in the agent's log`);

  for (const message of record.messages) {
    if ('error' in message.read || handDropped.has(message.file)) continue;
    const { usage, model, turn } = message.read.message;
    if (!usage) continue;
    const charge = charges.get(`${turn}:${message.sender}`);
    if (!charge) {
      violations.push(`${message.file}: its usage names no charge for ${message.sender} in turn ${turn}`);
      continue;
    }
    const same =
      charge.model === model &&
      sameTokens(charge, usage) &&
      frontMatterCredits(charge.credits) === frontMatterCredits(usage.credits) &&
      (charge.estimated ?? false) === (usage.estimated ?? false);
    if (!same) violations.push(`${message.file}: its usage differs from the ledger's charge for turn ${turn}`);
  }

  // Walk the ledger in order: a charge is for a call made when the agent still had credits.
  const running = new Map<string, number>();
  for (const [agent, budget] of record.retiredBudgets) running.set(agent, budget);
  for (const agent of org.agents.values()) running.set(agent.name, agent.credits);
  for (const entry of record.ledger) {
    const before = running.get(entry.agent) ?? 0;
    if (entry.type === 'charge' && before <= 0) {
      violations.push(`ledger: ${entry.agent} was called in turn ${entry.turn} with ${before} credits left`);
    }
    running.set(entry.agent, entry.type === 'charge' ? before - entry.credits : before + entry.credits);
  }
  return violations;
}
