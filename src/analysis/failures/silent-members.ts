import type { OrgRecords } from '../records/org-records.js';
import type { SilentMember } from '../org-analysis.js';

export type { SilentMember };

/**
 * Members who never answer: agents (not people) that had mail to read by the last finished turn,
 * were shown mail from the turn the first of it could be read (their activity log's `read`, or a
 * charged call that failed), and have written no message since. An agent never shown its mail
 * (never drawn by activation, out of credits, held by a ceiling or a breaker) ignored nothing: its
 * agent-turns are counted by their cause (refusal-counts.ts), and what it holds is unanswered. Pure.
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
    if (!shownMailFrom(records, agent.name, entry.since)) continue;
    found.push(entry);
  }
  return found;
}

/** Whether a call of the agent was shown mail in `since` or a later turn, by its activity log. */
function shownMailFrom(records: OrgRecords, agent: string, since: number): boolean {
  for (const [turn, done] of records.activity.get(agent) ?? []) {
    if (turn >= since && (done.read.length > 0 || (done.shownWhenFailed?.length ?? 0) > 0)) return true;
  }
  return false;
}
