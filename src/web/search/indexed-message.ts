import { recipientsOf, type Message } from '../../mailbox/message.js';
import { previewOf } from '../../ui/shared/preview.js';
import type { IndexedMessage } from '../api-types.js';

export type { IndexedMessage };

/** The longest preview the index keeps; lists cut it shorter with the same rule. */
export const PREVIEW_CHARS = 160;

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
    preview: previewOf(message.body, PREVIEW_CHARS),
  };
  const everyone = recipientsOf(message);
  if (everyone.length > 1) entry.others = everyone.slice(1);
  if (message.subject !== undefined) entry.subject = message.subject;
  if (message.replyTo !== undefined) entry.replyTo = message.replyTo;
  if (message.usage) {
    entry.credits = message.usage.credits;
    entry.tokens = message.usage.inputTokens + message.usage.outputTokens;
  }
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

/** Where `message` goes in a list kept newest first: the first place holding an older one. */
function placeOf(list: readonly IndexedMessage[], message: IndexedMessage): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (newestFirst(list[middle] as IndexedMessage, message) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Put a message into a list kept newest first (a binary search and one move, not a sort). */
export function insertNewestFirst(list: IndexedMessage[], message: IndexedMessage): void {
  list.splice(placeOf(list, message), 0, message);
}

/** Take a message out of a list kept newest first, when it is there. */
export function removeNewestFirst(list: IndexedMessage[], message: IndexedMessage): void {
  const at = placeOf(list, message);
  if (list[at]?.id === message.id) list.splice(at, 1);
}
