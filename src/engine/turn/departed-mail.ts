import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import type { EngineEvent } from '../events.js';
import { makeNotice } from './notices.js';
import type { MailByAgent } from '../record/pending-index.js';
import { byTurnThenId } from '../record/pending-order.js';

/** What `returnDepartedMail` decided: the unread mail it takes back, and who is told. */
export interface ReturnedMail {
  /** Ids of the waiting mail addressed to agents no longer in the org: dropped at commit. */
  ids: string[];
  notices: PendingItem[];
  humanNotices: EngineState['humanNotices'];
  events: EngineEvent[];
}

/**
 * Mail waiting for an agent that has left the org (retired, or its folder removed) would
 * wait for ever: it is taken back, and each sender is told which of its messages were never
 * read, once. Notices from the engine to the agent are simply dropped. Pure. Asked of each
 * recipient with mail, not of each letter: an agent still in the org costs a look-up.
 */
export function returnDepartedMail(org: Org, mail: MailByAgent, turn: number): ReturnedMail {
  const returned: ReturnedMail = { ids: [], notices: [], humanNotices: [], events: [] };
  const unread = new Map<string, Map<string, PendingItem[]>>();
  // Looked at key by key, with no list of every recipient made first: asked each turn of every agent with mail.
  const departed: string[] = [];
  for (const to of mail.keys()) if (to !== HUMAN && !org.agents.has(to)) departed.push(to);
  // In the order of the waiting list (turn, then id), as the ids were taken when this went through every letter.
  const items = departed.flatMap((to) => mail.get(to) ?? []).sort(byTurnThenId);
  for (const item of items) {
    returned.ids.push(item.id);
    if (item.kind !== 'message' || !org.agents.has(item.from)) continue;
    const bySender = unread.get(item.to) ?? new Map<string, PendingItem[]>();
    bySender.set(item.from, [...(bySender.get(item.from) ?? []), item]);
    unread.set(item.to, bySender);
  }
  for (const [departed, bySender] of [...unread].sort(([left], [right]) => (left < right ? -1 : 1))) {
    for (const [sender, items] of [...bySender].sort(([left], [right]) => (left < right ? -1 : 1))) {
      const subject = `${departed} has left the org`;
      const listed = items.map((item) => `- ${item.id}${item.kind === 'message' && item.subject ? ` ("${item.subject}")` : ''}`).join('\n');
      const body = `${departed} is no longer in the org, so these message(s) you sent it were never read:\n${listed}\n\nSend them to someone else if they still matter.`;
      const notice = makeNotice(turn, sender, `departed-${departed}`, 1, subject, body);
      if (sender === HUMAN) returned.humanNotices.push({ id: notice.id, turn, subject, body });
      else returned.notices.push(notice);
      returned.events.push({ type: 'warning', turn, message: `${items.length} unread message(s) from ${sender} to ${departed}, who has left the org, were returned to ${sender}` });
    }
  }
  return returned;
}
