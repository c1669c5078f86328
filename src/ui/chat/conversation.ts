import type { InboxMessage } from '../../engine/human/human-inbox.js';
import { HUMAN } from '../../org/names.js';

/**
 * A message to or from the human, as the chat shows it: the parts of an inbox message
 * it uses (the human's own messages are never unread).
 */
export type ChatMessage = Pick<InboxMessage, 'id' | 'from' | 'to' | 'turn' | 'created' | 'subject' | 'body' | 'replyTo' | 'file' | 'unread'>;

/** Everything said between the human and one agent, oldest first. */
export interface Conversation {
  with: string;
  messages: ChatMessage[];
}

/** One screen line of the conversation view. */
export interface ConversationLine {
  key: string;
  kind: 'group' | 'header' | 'body' | 'more';
  /** The correspondent whose conversation the line belongs to. */
  group: string;
  text: string;
  unread?: boolean;
  fromHuman?: boolean;
}

/** The other party of a human's message: the recipient when the human sent it, else the sender. */
export function correspondentOf(message: ChatMessage): string {
  return message.from === HUMAN ? message.to : message.from;
}

/** Oldest first: by turn, then by when it was written, then by id. */
export function byTime(left: ChatMessage, right: ChatMessage): number {
  return left.turn - right.turn || left.created.localeCompare(right.created) || left.id.localeCompare(right.id);
}

/** Group messages by correspondent; the conversation with the newest message comes last, next to the input line. Pure. */
export function groupConversations(messages: ChatMessage[]): Conversation[] {
  const groups = new Map<string, ChatMessage[]>();
  for (const message of [...messages].sort(byTime)) {
    const name = correspondentOf(message);
    const list = groups.get(name) ?? [];
    list.push(message);
    // Setting it again moves the conversation to the end of the map's order.
    groups.delete(name);
    groups.set(name, list);
  }
  return [...groups].map(([name, list]) => ({ with: name, messages: list }));
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/**
 * The conversation as screen lines: a heading per correspondent, then each message's
 * header (unread mark, turn, who, subject, what it replies to) and the first
 * `bodyLines` lines of its body. Pure.
 */
export function conversationLines(groups: Conversation[], bodyLines: number): ConversationLine[] {
  const lines: ConversationLine[] = [];
  for (const group of groups) {
    lines.push({ key: `group-${group.with}`, kind: 'group', group: group.with, text: group.with });
    const byId = new Map(group.messages.map((message) => [message.id, message]));
    for (const message of group.messages) {
      const fromHuman = message.from === HUMAN;
      const bodyText = message.body.trim().split('\n');
      const title = message.subject ?? firstLine(message.body);
      // Without a subject the first line is the title; it is not repeated as body.
      const body = message.subject === undefined ? bodyText.slice(1) : bodyText;
      const target = message.replyTo === undefined ? undefined : byId.get(message.replyTo);
      const reply =
        message.replyTo === undefined ? '' : target ? ` ↩ ${target.from === HUMAN ? 'your' : `${target.from}'s`} "${target.subject ?? firstLine(target.body)}"` : ` ↩ ${message.replyTo}`;
      lines.push({
        key: `header-${message.id}`,
        kind: 'header',
        group: group.with,
        text: `[turn ${message.turn}] ${fromHuman ? 'you' : message.from}: ${title}${reply}`,
        unread: message.unread,
        fromHuman,
      });
      const shown = body.slice(0, bodyLines);
      shown.forEach((text, index) => lines.push({ key: `body-${message.id}-${index}`, kind: 'body', group: group.with, text, fromHuman }));
      if (body.length > shown.length) {
        lines.push({ key: `more-${message.id}`, kind: 'more', group: group.with, text: `… ${body.length - shown.length} more line(s): /read ${message.id}` });
      }
    }
  }
  return lines;
}

/**
 * The last `budget` lines: the newest at the bottom. A conversation cut at the top
 * keeps its heading, so every line on screen says whom it is with. Pure.
 */
export function lastLines(lines: ConversationLine[], budget: number): ConversationLine[] {
  if (budget <= 0) return [];
  if (lines.length <= budget) return lines;
  const shown = lines.slice(lines.length - budget);
  const first = shown[0];
  if (first && first.kind !== 'group') {
    shown[0] = { key: `group-${first.group}-cut`, kind: 'group', group: first.group, text: `${first.group} (earlier messages above)` };
  }
  return shown;
}
