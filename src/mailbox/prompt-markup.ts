/**
 * The markup of an agent's prompt: mail, notes and the lines about its place.
 * Every message sits inside a
 * `<message ...>` element whose attributes the engine writes and whose content is
 * escaped, so a body that contains `</message>` or "From human:" is only text and
 * can never pass for another message or another sender.
 */

import type { Message } from './message.js';

/** One message as the prompt shows it, and as `parseMessageMarkup` reads it back. */
export interface InboxItemMarkup {
  id: string;
  from: string;
  turn: number;
  priority: string;
  /** Everyone in its `to:` and `cc:`, comma-separated, shown only for a message to several people (so a reader can answer them all). */
  to?: string;
  cc?: string;
  /** For a message through a mailing list: those who report to the reader that the list reached too, comma-separated: who of its team has it already. */
  teamOnList?: string;
  subject?: string;
  replyTo?: string;
  /** The start of the message it answers, shown in an `<in_reply_to>` element before its body. */
  answers?: AnsweredStart;
  body: string;
}

/** Labels of the system prompt's lines about the agent's place in the org; one per line. */
export const PROMPT_LABELS = {
  self: 'Your name:',
  manager: 'You report to:',
  team: 'Your team:',
  sendTo: 'You may send messages to:',
  /** Mailing lists (org/lists/) it may post to: a post to one is read by each of its members. */
  lists: 'Mailing lists you may post to (each member reads a post):',
  /** After a team member's title: it holds hire_agent, so requests to hire go to it. */
  canHire: '(proposes hires)',
} as const;

/** Escape `&`, `<` and `>` so a body cannot close or open an element. */
export function escapeText(text: string): string {
  // Most text has none of the three: a native scan for each costs less than three pattern runs.
  if (!text.includes('&') && !text.includes('<') && !text.includes('>')) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape text for a double-quoted attribute; newlines become spaces, so they do not survive a round trip. */
export function escapeAttribute(text: string): string {
  const escaped = escapeText(text);
  if (!escaped.includes('"') && !escaped.includes('\n')) return escaped;
  return escaped.replace(/"/g, '&quot;').replace(/\r?\n/g, ' ');
}

/** Undo `escapeText` and `escapeAttribute` (apart from the newlines made spaces). */
export function unescapeText(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Text the engine did not write, as data in a prompt: inside a `<name>` element whose attributes
 * the engine writes, its content escaped, so nothing in it can close the element, open another or
 * pass for the prompt's own words. The rule of every such element: notes, memories recalled, the start
 * of an answered message, the answer a judge scores (and, with its own attributes, a message).
 */
export function renderDataMarkup(name: string, text: string, attributes: ReadonlyArray<readonly [string, string]> = []): string {
  const head = attributes.map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`).join('');
  return `<${name}${head}>\n${escapeText(text)}\n</${name}>`;
}

/** A message read from its file as a `<message>` element shows it: `to` and `cc` named only for a message to several people. */
export function messageMarkup(message: Message): InboxItemMarkup {
  const item: InboxItemMarkup = { id: message.id, from: message.from, turn: message.turn, priority: message.priority, body: message.body };
  if (message.alsoTo !== undefined || message.cc !== undefined) {
    item.to = [message.to, ...(message.alsoTo ?? [])].join(', ');
    if (message.cc !== undefined) item.cc = message.cc.join(', ');
  }
  if (message.subject !== undefined) item.subject = message.subject;
  if (message.replyTo !== undefined) item.replyTo = message.replyTo;
  return item;
}

/** A `<message>` element with the metadata as escaped attributes and the body as escaped content. */
export function renderMessageMarkup(item: InboxItemMarkup): string {
  // One string built in order, not from a list of pairs: every message of every prompt is rendered here (10,000 a turn at 10,000 busy agents).
  let head = `id="${escapeAttribute(item.id)}" from="${escapeAttribute(item.from)}" turn="${escapeAttribute(String(item.turn))}" priority="${escapeAttribute(item.priority)}"`;
  if (item.to !== undefined) head += ` to="${escapeAttribute(item.to)}"`;
  if (item.cc !== undefined) head += ` cc="${escapeAttribute(item.cc)}"`;
  if (item.teamOnList !== undefined) head += ` team_on_list="${escapeAttribute(item.teamOnList)}"`;
  if (item.subject !== undefined) head += ` subject="${escapeAttribute(item.subject)}"`;
  if (item.replyTo !== undefined) head += ` reply_to="${escapeAttribute(item.replyTo)}"`;
  return `<message ${head}>\n${item.answers ? `${renderAnsweredMarkup(item.answers)}\n` : ''}${escapeText(item.body)}\n</message>`;
}

/**
 * The start of the message a message answers, inside it and before its body: written by the
 * engine, its content escaped like a body's, so a body cannot make one (its `<` is escaped).
 */
function renderAnsweredMarkup(answers: AnsweredStart): string {
  return renderDataMarkup('in_reply_to', answers.start, [['id', answers.id], ['from', answers.from], ...(answers.subject !== undefined ? [['subject', answers.subject] as const] : [])]);
}

const ANSWERED_ELEMENT = /^<in_reply_to ([^>]*)>\n([\s\S]*?)\n<\/in_reply_to>\n/;

const MESSAGE_ELEMENT = /<message ([^>]*)>\n([\s\S]*?)\n<\/message>/g;
const ATTRIBUTE = /([a-z_]+)="([^"]*)"/g;

/** Read back the messages of a rendered inbox. The inverse of renderMessageMarkup. */
export function parseMessageMarkup(text: string): InboxItemMarkup[] {
  const items: InboxItemMarkup[] = [];
  for (const match of text.matchAll(MESSAGE_ELEMENT)) {
    const attributes = new Map<string, string>();
    for (const attribute of (match[1] ?? '').matchAll(ATTRIBUTE)) {
      attributes.set(attribute[1] ?? '', unescapeText(attribute[2] ?? ''));
    }
    let content = match[2] ?? '';
    const answered = ANSWERED_ELEMENT.exec(content);
    const item: InboxItemMarkup = {
      id: attributes.get('id') ?? '',
      from: attributes.get('from') ?? '',
      turn: Number(attributes.get('turn') ?? 0),
      priority: attributes.get('priority') ?? 'normal',
      body: '',
    };
    if (answered) {
      content = content.slice(answered[0].length);
      const of = new Map([...(answered[1] ?? '').matchAll(ATTRIBUTE)].map((attribute) => [attribute[1] ?? '', unescapeText(attribute[2] ?? '')]));
      const subject = of.get('subject');
      item.answers = { id: of.get('id') ?? '', from: of.get('from') ?? '', ...(subject !== undefined ? { subject } : {}), start: unescapeText(answered[2] ?? '') };
    }
    item.body = unescapeText(content);
    const to = attributes.get('to');
    if (to !== undefined) item.to = to;
    const cc = attributes.get('cc');
    if (cc !== undefined) item.cc = cc;
    const teamOnList = attributes.get('team_on_list');
    if (teamOnList !== undefined) item.teamOnList = teamOnList;
    const subject = attributes.get('subject');
    if (subject !== undefined) item.subject = subject;
    const replyTo = attributes.get('reply_to');
    if (replyTo !== undefined) item.replyTo = replyTo;
    items.push(item);
  }
  return items;
}

/** A `<memory key=...>` element holding one of the agent's notes, escaped like a message. */
export function renderMemoryMarkup(key: string, text: string): string {
  return renderDataMarkup('memory', text, [['key', key]]);
}

const MEMORY_ELEMENT = /<memory key="([^"]*)">\n([\s\S]*?)\n<\/memory>/g;

/** Read back the notes of a rendered prompt. The inverse of renderMemoryMarkup. */
export function parseMemoryMarkup(text: string): Map<string, string> {
  const notes = new Map<string, string>();
  for (const match of text.matchAll(MEMORY_ELEMENT)) notes.set(unescapeText(match[1] ?? ''), unescapeText(match[2] ?? ''));
  return notes;
}

/** One memory of an agent's stream as a prompt shows it (memory/), and as `parseRecalledMarkup` reads it back. */
export interface RecalledMarkup {
  id: string;
  turn: number;
  kind: string;
  importance: number;
  text: string;
}

/**
 * A `<recalled ...>` element holding one memory retrieved for a call: its id, turn, kind and importance
 * as attributes the engine writes, its text escaped like a message's body (renderDataMarkup), so a
 * memory that says `</recalled>` or "From human:" is only text.
 */
export function renderRecalledMarkup(memory: RecalledMarkup): string {
  return renderDataMarkup('recalled', memory.text, [
    ['id', memory.id],
    ['turn', String(memory.turn)],
    ['kind', memory.kind],
    ['importance', String(memory.importance)],
  ]);
}

const RECALLED_ELEMENT = /<recalled id="([^"]*)" turn="(\d+)" kind="([a-z]+)" importance="(\d+)">\n([\s\S]*?)\n<\/recalled>/g;

/** Read back the memories of a rendered prompt, in the order shown. The inverse of renderRecalledMarkup. */
export function parseRecalledMarkup(text: string): RecalledMarkup[] {
  if (!text.includes('<recalled ')) return [];
  return [...text.matchAll(RECALLED_ELEMENT)].map((match) => ({
    id: unescapeText(match[1] ?? ''),
    turn: Number(match[2]),
    kind: match[3] ?? '',
    importance: Number(match[4]),
    text: unescapeText(match[5] ?? ''),
  }));
}

/** The element that closes a reflection call's prompt (memory/reflection.ts): what it asks, and how the offline model knows the call. */
export const REFLECTION_REQUEST_ELEMENT = 'reflection-request';
/** The element that closes the first call of a reflection by focal questions (memory/focal-questions.ts): the questions it asks for. */
export const FOCAL_REQUEST_ELEMENT = 'focal-questions-request';

/** The line that opens every user prompt: `Turn 12.` */
export function parseTurnLine(text: string): number {
  return Number(/^Turn (\d+)\./m.exec(text)?.[1] ?? 0);
}

/**
 * The start of a message that another one answers: what a prompt shows beside the answer, so
 * an agent reading a report knows the request it answers without opening it.
 */
export interface AnsweredStart {
  /** The answered message's id (the answer's `reply_to`). */
  id: string;
  from: string;
  subject?: string;
  /** Its body's first lines, at most ANSWERED_START_LINES of them and ANSWERED_START_CHARS characters, cut with "…". */
  start: string;
}

/** At most this many of the answered message's lines are shown. */
export const ANSWERED_START_LINES = 2;
/** And at most this many characters of them. */
export const ANSWERED_START_CHARS = 240;

/** The start of `message` as a prompt shows it beside an answer to it (see AnsweredStart). Pure. */
export function answeredStart(message: { id: string; from: string; subject?: string; body: string }): AnsweredStart {
  // Only the head of a long body is looked at: a message of megabytes costs no more than a short one.
  const head = message.body.slice(0, ANSWERED_START_CHARS * 4);
  // Its first non-blank lines, trimmed, and whether any other follows: looked for line by line, since
  // a message sent in answer asks this (splitting the whole head made an array of every line).
  const lines: string[] = [];
  let more = head.length < message.body.length;
  for (let from = 0; from <= head.length; ) {
    const end = head.indexOf('\n', from);
    const line = head.slice(from, end < 0 ? head.length : end).trim();
    from = end < 0 ? head.length + 1 : end + 1;
    if (line === '') continue;
    if (lines.length === ANSWERED_START_LINES) {
      more = true;
      break;
    }
    lines.push(line);
  }
  let start = lines.join('\n');
  if (start.length > ANSWERED_START_CHARS) start = `${start.slice(0, ANSWERED_START_CHARS - 1).trimEnd()}…`;
  else if (more) start = `${start} …`;
  return { id: message.id, from: message.from, ...(message.subject !== undefined ? { subject: message.subject } : {}), start };
}
