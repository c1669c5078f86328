import { recipientsOf, type Message } from '../../mailbox/message.js';
import type { MessageSummary } from '../events.js';

/** The short form of a message that events carry. */
export function summarise(message: Message, file: string): MessageSummary {
  const body = message.body.trim();
  const end = body.indexOf('\n');
  // Its first line, without the whole body cut into lines to find it.
  const firstLine = end < 0 ? body : body.slice(0, end);
  const summary: MessageSummary = {
    id: message.id,
    from: message.from,
    to: message.to,
    turn: message.turn,
    priority: message.priority,
    preview: firstLine.length > 120 ? `${firstLine.slice(0, 117)}...` : firstLine,
    file,
  };
  const everyone = recipientsOf(message);
  if (everyone.length > 1) summary.others = everyone.slice(1);
  if (message.subject !== undefined) summary.subject = message.subject;
  if (message.replyTo !== undefined) summary.replyTo = message.replyTo;
  return summary;
}
