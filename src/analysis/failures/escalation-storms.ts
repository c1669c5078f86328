import type { AnalysisLimits } from '../analysis-limits.js';
import type { OrgRecords } from '../records/org-records.js';
import type { EscalationStorm } from '../org-analysis.js';
import { inStormWindow, isEscalation } from '../../engine/breakers/loop-rules.js';

export type { EscalationStorm };

/**
 * Escalation storms: an escalation is a high or urgent message from an agent to the one it reports
 * to; a storm is `stormMessages` or more of them reaching one recipient within `stormTurns` turns.
 * Each storm is reported once, over its widest window. The rules are engine/breakers/loop-rules.ts's,
 * which the live breaker applies turn by turn. Pure.
 */
export function escalationStorms(records: OrgRecords, limits: Pick<AnalysisLimits, 'stormMessages' | 'stormTurns'>): EscalationStorm[] {
  const managers = new Map(records.agents.map((agent) => [agent.name, agent.reportsTo]));
  const byRecipient = new Map<string, Array<{ from: string; turn: number }>>();
  for (const message of records.messages) {
    if (!isEscalation(message, (agent) => managers.get(agent))) continue;
    let list = byRecipient.get(message.to);
    if (!list) byRecipient.set(message.to, (list = []));
    list.push({ from: message.from, turn: message.turn });
  }
  const storms: EscalationStorm[] = [];
  for (const [to, escalations] of byRecipient) {
    let current: EscalationStorm | undefined;
    for (let start = 0; start < escalations.length; start += 1) {
      const first = escalations[start]!;
      const window = escalations.filter((item, index) => index >= start && inStormWindow(first.turn, item.turn, limits.stormTurns));
      if (window.length < limits.stormMessages) continue;
      const last = window[window.length - 1]!;
      if (current && first.turn <= current.toTurn) {
        current.toTurn = Math.max(current.toTurn, last.turn);
        current.messages = escalations.filter((item) => item.turn >= current!.fromTurn && item.turn <= current!.toTurn).length;
        for (const item of window) if (!current.from.includes(item.from)) current.from.push(item.from);
        continue;
      }
      current = { to, messages: window.length, fromTurn: first.turn, toTurn: last.turn, from: [...new Set(window.map((item) => item.from))] };
      storms.push(current);
    }
  }
  for (const storm of storms) storm.from.sort();
  return storms;
}
