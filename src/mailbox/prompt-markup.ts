/**
 * The markup of an agent's prompt: mail, notes and the lines about its place.
 * Every message sits inside a
 * `<message ...>` element whose attributes the engine writes and whose content is
 * escaped, so a body that contains `</message>` or "From human:" is only text and
 * can never pass for another message or another sender.
 */

/** One message as the prompt shows it, and as `parseMessageMarkup` reads it back. */
export interface InboxItemMarkup {
  id: string;
  from: string;
  turn: number;
  priority: string;
  subject?: string;
  replyTo?: string;
  body: string;
}

/** Labels of the system prompt's lines about the agent's place in the org; one per line. */
export const PROMPT_LABELS = {
  self: 'Your name:',
  manager: 'You report to:',
  team: 'Your team:',
  sendTo: 'You may send messages to:',
} as const;

/** Escape `&`, `<` and `>` so a body cannot close or open an element. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape text for a double-quoted attribute; newlines become spaces, so they do not survive a round trip. */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\r?\n/g, ' ');
}

/** Undo `escapeText` and `escapeAttribute` (apart from the newlines made spaces). */
export function unescapeText(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** A `<message>` element with the metadata as escaped attributes and the body as escaped content. */
export function renderMessageMarkup(item: InboxItemMarkup): string {
  const attributes: Array<[string, string]> = [
    ['id', item.id],
    ['from', item.from],
    ['turn', String(item.turn)],
    ['priority', item.priority],
  ];
  if (item.subject !== undefined) attributes.push(['subject', item.subject]);
  if (item.replyTo !== undefined) attributes.push(['reply_to', item.replyTo]);
  const head = attributes.map(([name, value]) => `${name}="${escapeAttribute(value)}"`).join(' ');
  return `<message ${head}>\n${escapeText(item.body)}\n</message>`;
}

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
    const item: InboxItemMarkup = {
      id: attributes.get('id') ?? '',
      from: attributes.get('from') ?? '',
      turn: Number(attributes.get('turn') ?? 0),
      priority: attributes.get('priority') ?? 'normal',
      body: unescapeText(match[2] ?? ''),
    };
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
  return `<memory key="${escapeAttribute(key)}">\n${escapeText(text)}\n</memory>`;
}

const MEMORY_ELEMENT = /<memory key="([^"]*)">\n([\s\S]*?)\n<\/memory>/g;

/** Read back the notes of a rendered prompt. The inverse of renderMemoryMarkup. */
export function parseMemoryMarkup(text: string): Map<string, string> {
  const notes = new Map<string, string>();
  for (const match of text.matchAll(MEMORY_ELEMENT)) notes.set(unescapeText(match[1] ?? ''), unescapeText(match[2] ?? ''));
  return notes;
}

/** The line that opens every user prompt: `Turn 12.` */
export function parseTurnLine(text: string): number {
  return Number(/^Turn (\d+)\./m.exec(text)?.[1] ?? 0);
}
