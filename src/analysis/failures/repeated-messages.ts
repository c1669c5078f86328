import type { OrgRecords } from '../records/org-records.js';
import type { RepeatedMessage } from '../org-analysis.js';

export type { RepeatedMessage };

/** How much of a repeated body is shown. */
const PREVIEW_CHARS = 80;

/**
 * Bodies a sender wrote in more than one turn, compared with their spacing and case ignored. The
 * same text to several agents in one turn is a broadcast, not a repetition, and does not count. Pure.
 */
export function repeatedMessages(records: OrgRecords): RepeatedMessage[] {
  const groups = new Map<string, RepeatedMessage>();
  for (const message of records.messages) {
    const body = message.body.replace(/\s+/g, ' ').trim().toLowerCase();
    if (body === '') continue;
    const key = `${message.from}\n${body}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { from: message.from, to: [], count: 0, turns: [], ids: [], preview: message.body.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS) }));
    group.count += 1;
    group.ids.push(message.id);
    if (!group.to.includes(message.to)) group.to.push(message.to);
    if (!group.turns.includes(message.turn)) group.turns.push(message.turn);
  }
  return [...groups.values()]
    .filter((group) => group.turns.length > 1)
    .map((group) => ({ ...group, to: group.to.sort() }))
    .sort((left, right) => right.count - left.count || (left.from < right.from ? -1 : 1));
}
