import type { OrgRecords } from '../records/org-records.js';
import type { SilentMember } from '../org-analysis.js';

export type { SilentMember };

/**
 * Members who never answer: agents (not people) that had mail to read by the last finished turn,
 * from the turn the first of it could be read, and have written no message since. Pure.
 */
export function silentMembers(records: OrgRecords): SilentMember[] {
  const people = new Set(records.agents.filter((agent) => agent.isHuman).map((agent) => agent.name));
  const received = new Map<string, SilentMember>();
  const lastWrote = new Map<string, number>();
  for (const message of records.messages) {
    lastWrote.set(message.from, Math.max(lastWrote.get(message.from) ?? -1, message.turn));
    if (message.from === message.to || message.turn + 1 > records.turn) continue;
    const entry = received.get(message.to);
    if (entry) {
      entry.received += 1;
      entry.since = Math.min(entry.since, message.turn + 1);
    } else received.set(message.to, { agent: message.to, received: 1, since: message.turn + 1 });
  }
  const found: SilentMember[] = [];
  for (const agent of records.agents) {
    const entry = received.get(agent.name);
    if (people.has(agent.name) || !entry) continue;
    if ((lastWrote.get(agent.name) ?? -1) >= entry.since) continue;
    found.push(entry);
  }
  return found;
}
