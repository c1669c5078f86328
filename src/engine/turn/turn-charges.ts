import type { ChargeLine } from '../money/ledger-entries.js';
import type { AgentOutcome, PlannedCall } from '../record/journal.js';

/**
 * A turn's charge lines in the order of its plan's calls (a meeting's attendees among them), whatever
 * order the calls ended in: a turn finished after a crash applies its journaled answers first, and still
 * writes the ledger lines, and the totals counted from them, of a turn never stopped. A charge of an
 * agent the plan has no call for comes last, as it came. One pass over the outcomes and one over the
 * plan; nothing sorted. Pure.
 */
export function turnCharges(calls: readonly PlannedCall[], outcomes: readonly AgentOutcome[]): ChargeLine[] {
  const byAgent = new Map<string, ChargeLine[]>();
  for (const outcome of outcomes) {
    if (!outcome.charge) continue;
    const lines = byAgent.get(outcome.agent);
    if (lines) lines.push(outcome.charge);
    else byAgent.set(outcome.agent, [outcome.charge]);
  }
  if (byAgent.size === 0) return [];
  const ordered: ChargeLine[] = [];
  for (const call of calls) {
    const lines = byAgent.get(call.agent);
    if (lines === undefined) continue;
    ordered.push(...lines);
    byAgent.delete(call.agent);
  }
  for (const lines of byAgent.values()) ordered.push(...lines);
  return ordered;
}
