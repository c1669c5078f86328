import type { InboxMessage } from '../../engine/human/human-inbox.js';
import { HUMAN } from '../../org/names.js';
import { cutAtWord } from '../shared/preview.js';
import { screenRows } from '../shared/screen-rows.js';

/**
 * A message to or from the human, as the chat shows it: the parts of an inbox message
 * it uses (the human's own messages are never unread).
 */
export type ChatMessage = Pick<InboxMessage, 'id' | 'from' | 'to' | 'turn' | 'created' | 'subject' | 'body' | 'replyTo' | 'file' | 'unread'> & Partial<Pick<InboxMessage, 'via'>>;

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
  /** The message the line shows part of (headings belong to none). */
  message?: string;
  unread?: boolean;
  fromHuman?: boolean;
}

/** Body rows are indented this much under their message's header. */
export const BODY_INDENT = 4;
/** The columns before a message's header: its unread mark (`● `) or two spaces. */
const HEADER_INDENT = 2;

/** The other party of a human's message: the recipient when the human sent it, the list a post came through, else the sender. */
export function correspondentOf(message: ChatMessage): string {
  return message.from === HUMAN ? message.to : (message.via ?? message.from);
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
 * The conversation as screen lines, one terminal row each: a heading per correspondent, then
 * each message's header (unread mark, turn, who, subject, what it replies to) and its body
 * wrapped to `columns`, cut after `bodyRows` rows with a line that says how to read the rest. Pure.
 */
export function conversationLines(groups: Conversation[], bodyRows: number, columns: number): ConversationLine[] {
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
      const id = message.id;
      const text = fitHeader(`[turn ${message.turn}] ${fromHuman ? 'you' : message.from}: ${title}`, reply, columns - HEADER_INDENT);
      lines.push({ key: `header-${id}`, kind: 'header', group: group.with, message: id, text, unread: message.unread, fromHuman });
      // Whole source lines only: a line is never cut in the middle of its wrapped rows.
      let rows = 0;
      let shownLines = 0;
      for (const line of body) {
        const wrapped = screenRows(line, columns - BODY_INDENT);
        if (rows + wrapped.length > bodyRows) break;
        for (const row of wrapped) lines.push({ key: `body-${id}-${rows++}`, kind: 'body', group: group.with, message: id, text: row, fromHuman });
        shownLines += 1;
      }
      if (shownLines < body.length) {
        lines.push({ key: `more-${id}`, kind: 'more', group: group.with, message: id, text: `… ${body.length - shownLines} more line(s): /read ${id}` });
      }
    }
  }
  return lines;
}

/**
 * A message's header in `width` columns, cut by lemming's one rule rather than by the terminal's: with
 * what it replies to when that fits, else without it, else cut at a word. A subject the model already
 * cut ("…") is not given a second ellipsis. Pure.
 */
function fitHeader(header: string, reply: string, width: number): string {
  if (header.length + reply.length <= width) return `${header}${reply}`;
  return cutAtWord(header, Math.max(1, width));
}

/**
 * The `budget` lines that end `scrolledUp` lines above the newest (0: the newest at the bottom).
 * A conversation cut at the top keeps its heading, so every line on screen says whom it is with. Pure.
 */
export function lastLines(lines: ConversationLine[], budget: number, scrolledUp = 0): ConversationLine[] {
  if (budget <= 0) return [];
  if (lines.length <= budget) return lines;
  const end = lines.length - Math.max(0, Math.min(scrolledUp, lines.length - budget));
  const shown = lines.slice(end - budget, end);
  const first = shown[0];
  if (first && first.kind !== 'group') {
    shown[0] = { key: `group-${first.group}-cut`, kind: 'group', group: first.group, text: `${first.group} (earlier messages above)` };
  }
  return shown;
}

/** The messages `shown` holds whole: every line of theirs in `all` is on screen, and none was cut. Pure. */
export function wholeMessages(all: ConversationLine[], shown: ConversationLine[]): Set<string> {
  const onScreen = new Map<string, number>();
  const cut = new Set<string>();
  for (const line of shown) {
    if (line.message === undefined) continue;
    onScreen.set(line.message, (onScreen.get(line.message) ?? 0) + 1);
    if (line.kind === 'more') cut.add(line.message);
  }
  const total = new Map<string, number>();
  for (const line of all) if (line.message !== undefined && onScreen.has(line.message)) total.set(line.message, (total.get(line.message) ?? 0) + 1);
  return new Set([...onScreen].filter(([id, count]) => !cut.has(id) && total.get(id) === count).map(([id]) => id));
}
