import type { Message } from '../../mailbox/message.js';
import type { IndexedMessage } from '../api-types.js';

export type { IndexedMessage };

/** The index's entry for a message read from `file`. */
export function toIndexed(message: Message, file: string): IndexedMessage {
  const entry: IndexedMessage = {
    id: message.id,
    from: message.from,
    to: message.to,
    turn: message.turn,
    created: message.created,
    priority: message.priority,
    file,
    preview: message.body.replace(/\s+/g, ' ').trim().slice(0, 160),
  };
  if (message.subject !== undefined) entry.subject = message.subject;
  if (message.replyTo !== undefined) entry.replyTo = message.replyTo;
  return entry;
}

/** Newest first: by turn, then id (which holds the sender and its sequence). */
export function newestFirst(left: IndexedMessage, right: IndexedMessage): number {
  return right.turn - left.turn || (left.id < right.id ? 1 : left.id > right.id ? -1 : 0);
}

/** Oldest first: the order of a conversation. */
export function oldestFirst(left: IndexedMessage, right: IndexedMessage): number {
  return -newestFirst(left, right);
}

/** Keep `newest` the `limit` newest messages seen so far, newest first: one pass, no sort of every match. */
export function keepNewest(newest: IndexedMessage[], message: IndexedMessage, limit: number): void {
  const last = newest.at(-1);
  if (newest.length >= limit && last && newestFirst(message, last) >= 0) return;
  let at = newest.length;
  while (at > 0 && newestFirst(message, newest[at - 1] as IndexedMessage) < 0) at -= 1;
  newest.splice(at, 0, message);
  if (newest.length > limit) newest.pop();
}
