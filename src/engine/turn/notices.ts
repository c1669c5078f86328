import { padTurn } from '../../mailbox/message.js';
import { ENGINE_SENDER } from '../../org/names.js';
import type { PendingItem } from '../record/engine-state.js';

/** A notice from the engine to an agent, read in its next inbox like any message. */
export function makeNotice(turn: number, to: string, tag: string, index: number, subject: string, body: string): PendingItem {
  return {
    kind: 'notice',
    id: `${padTurn(turn)}-${ENGINE_SENDER}-${tag}-${to}-${index}`,
    from: ENGINE_SENDER,
    to,
    turn,
    priority: 'high',
    subject,
    body,
  };
}

/** Whether a piece of mail is one of the engine's notices (`000003-lemming-refused-coder_01-1`), not a message file. */
export function isNoticeId(id: string): boolean {
  return id.startsWith(`-${ENGINE_SENDER}-`, id.indexOf('-'));
}

/** The text of a notice about refused messages: the first 20 with their reasons, then how many more. */
export function refusalNoticeBody(refusals: Array<{ to: string; subject?: string; reason: string }>): string {
  const shown = refusals.slice(0, 20).map((refusal) => {
    const about = refusal.subject ? ` ("${refusal.subject}")` : '';
    return `- to ${JSON.stringify(refusal.to)}${about}: ${refusal.reason}`;
  });
  if (refusals.length > shown.length) shown.push(`- and ${refusals.length - shown.length} more, refused for the same kinds of reason`);
  return `${refusals.length} message(s) you sent were not delivered:\n${shown.join('\n')}`;
}
