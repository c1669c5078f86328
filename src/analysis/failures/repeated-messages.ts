import type { OrgRecords } from '../records/org-records.js';
import type { RepeatedMessage } from '../org-analysis.js';
import { quoteOf, repetitionText, repetitionTurns } from '../../engine/breakers/loop-rules.js';

export type { RepeatedMessage };

/**
 * Bodies a sender wrote in more than one turn, compared with their spacing and case ignored. The
 * same text to several agents in one turn is a broadcast, not a repetition, and does not count: the
 * rule of engine/breakers/loop-rules.ts, which the live breaker applies turn by turn. Pure.
 */
export function repeatedMessages(records: OrgRecords): RepeatedMessage[] {
  const groups = new Map<string, RepeatedMessage>();
  for (const message of records.messages) {
    const body = repetitionText(message.body);
    if (body === '') continue;
    const key = `${message.from}\n${body}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { from: message.from, to: [], count: 0, turns: [], ids: [], preview: quoteOf(message.body) }));
    group.count += 1;
    group.ids.push(message.id);
    if (!group.to.includes(message.to)) group.to.push(message.to);
    group.turns = repetitionTurns(group.turns, message.turn);
  }
  return [...groups.values()]
    .filter((group) => group.turns.length > 1)
    .map((group) => ({ ...group, to: group.to.sort() }))
    .sort((left, right) => right.count - left.count || (left.from < right.from ? -1 : 1));
}
