// The text a message may hold, one rule a field, wherever the message comes from: a model's
// send_message, the person's `lemming send`, or a file dropped into an outbox (read with
// message-file.ts). The body and the subject are free text: they are cut and say so. Fields
// that name something (an id, a reply_to, a model, a time) are kept whole or not at all, since a
// name cut short names something else. All pure.

import { abbreviated } from '../terminal-text/terminal-text.js';

/**
 * Text as it will read back from a message file. What the engine writes must be what
 * any process parses later, or a recipient's prompt would depend on whether the
 * message came from this process's memory or from the file (after a restart, or on
 * replay): the file format keeps no blank lines before a body or white space after
 * it, cannot hold a NUL (a file with one is "binary"), and stores UTF-8, which has no
 * lone surrogates. Pure.
 */
export function asMessageBody(text: string): string {
  // Each step is asked first with a scan the engine does natively: a body rarely holds a NUL or starts with a blank line.
  const noNul = text.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : text;
  const whole = wellFormed(noNul);
  const first = whole.charCodeAt(0);
  return (first === 10 || first === 13 ? whole.replace(/^[\r\n]+/, '') : whole).trimEnd();
}

/** Lone UTF-16 surrogates (which UTF-8 cannot hold) become U+FFFD, as writing the file would make them. */
export function wellFormed(text: string): string {
  // String.prototype.toWellFormed (ES2024, Node 20) does exactly this without a pattern run over every character.
  return text.isWellFormed() ? text : text.toWellFormed();
}

declare global {
  /** The ES2024 string methods Node 20 has and the ES2023 lib does not declare. */
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

/** The first `limit` UTF-16 units of `text`, one fewer when the cut would split a surrogate pair. */
export function sliceWhole(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const last = text.charCodeAt(limit - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit);
}

/** The line `capBody` ends a cut body with; a body that already ends with one (and fits before it) was cut already. */
const CUT_LINE = /\n\n\[lemming: \d{1,15} more characters were cut; messages are capped at \d{1,15} characters \(org\.yaml engine\.max_body_chars\)\]$/;

/**
 * A body cut to `limit` characters, ending with a line that says how much was cut and why,
 * so the reader knows there was more. Cutting a body that was cut already at this limit (a
 * message file lemming wrote, read back) changes nothing. Pure.
 */
export function capBody(text: string, limit: number): string {
  const over = charactersOverCap(text, limit);
  if (over === 0) return text;
  return `${text.slice(0, text.length - over)}\n\n[lemming: ${over} more characters were cut; messages are capped at ${limit} characters (org.yaml engine.max_body_chars)]`;
}

/** How many characters `capBody` cuts from `text`: 0 when it fits, or when it was cut to `limit` already. */
export function charactersOverCap(text: string, limit: number): number {
  if (text.length <= limit) return 0;
  // The line is at most about 140 characters: only the end of the text is searched.
  const tailStart = Math.max(0, text.length - 200);
  const cutLine = CUT_LINE.exec(text.slice(tailStart));
  if (cutLine && tailStart + cutLine.index <= limit) return 0;
  return text.length - sliceWhole(text, limit).length;
}

/** Longest subject kept, marker included; a longer one is cut and ends by saying how much was left out. */
export const MAX_SUBJECT_CHARS = 200;

/** Longest message id (or `reply_to`): no id lemming gives comes near it. */
export const MAX_ID_CHARS = 120;

/** Longest agent name: names are folder names (see org/names.ts, AGENT_NAME_PATTERN). */
export const MAX_NAME_CHARS = 64;

/** Longest `model:` or `created:` kept: a registry key or an ISO time. */
export const MAX_LABEL_CHARS = 120;

/**
 * A message id: a turn, the sender's name, then a sequence (`000012-manager-001`), a file
 * name for a file dropped by hand (`000012-manager-note.md`), or the engine's notice tag
 * (`000012-lemming-scan-planner-1`). One line, no slashes.
 */
const ID_PATTERN = /^\d{6,}-[a-z][a-z0-9_-]{0,63}-[^/\\\p{Cc}]+$/u;
const CONTROL = /\p{Cc}/u;

/** A character outside printable ASCII, as a UTF-16 unit: what no name of the org holds. */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

/**
 * Show an untrusted value in a message or an error without letting it flood the screen. Every
 * character outside printable ASCII is escaped (`"human\u200d"`, `"hum\u0430n"`): no name holds
 * one, and shown as itself a zero-width joiner or a Cyrillic a (U+0430) reads as the name it imitates.
 */
export function quoteName(name: unknown): string {
  const text = typeof name === 'string' ? name : JSON.stringify(name) ?? String(name);
  return JSON.stringify(abbreviated(text)).replace(NOT_PRINTABLE_ASCII, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Whether a text holds a character outside printable ASCII (no `g`: a test keeps no place between calls). */
const HOLDS_NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** A part of a path or a dotted field: what lies between `/` and `.`. */
const PATH_PART = /[^/.]+/g;

/**
 * A path or a dotted field that holds names a person made on disk (`agents/<folder>/`, `org/lists/<name>.yaml`,
 * a chart key in `agents.<name>`), as printed: each part holding a character no name holds is quoted by
 * quoteName (`agents/"hum\u0430n"/`), so a folder named with a look-alike never reads as a real agent's; the
 * rest is printed as it is. The one place for the file and the field of every problem and warning shown.
 */
export function quotePathNames(path: string): string {
  if (!HOLDS_NOT_PRINTABLE_ASCII.test(path)) return path;
  return path.replace(PATH_PART, (part) => (HOLDS_NOT_PRINTABLE_ASCII.test(part) ? quoteName(part) : part));
}

/** A subject as kept, and how many characters of it were cut (0 when it fitted). */
export interface CappedSubject {
  /** On one line and trimmed; undefined when nothing is left. */
  subject?: string;
  /** The subject's length on one line, before the cut. */
  length: number;
  cut: number;
}

/** A run of white space, made one space in a subject (one pattern for the module: a literal in the function is made at each call). */
const WHITE_SPACE_RUN = /\s+/g;

/**
 * A subject on one line, at most MAX_SUBJECT_CHARS: a longer one keeps its start and ends
 * with `[lemming: N more characters cut]`, within the cap, so cutting it again changes nothing.
 */
export function capSubject(text: string): CappedSubject {
  const line = text.replace(WHITE_SPACE_RUN, ' ').trim();
  if (line === '') return { length: 0, cut: 0 };
  if (line.length <= MAX_SUBJECT_CHARS) return { subject: line, length: line.length, cut: 0 };
  // The marker's length depends on the count it holds: a count of up to 9 digits is room enough.
  const room = MAX_SUBJECT_CHARS - ` [lemming: ${'9'.repeat(9)} more characters cut]`.length;
  const kept = sliceWhole(line, room).trimEnd();
  const cut = line.length - kept.length;
  return { subject: `${kept} [lemming: ${cut} more characters cut]`, length: line.length, cut };
}

/** Why `value` cannot be a message id (too long, or not shaped like one), or undefined when it can. */
export function idProblem(value: string): string | undefined {
  if (value.length > MAX_ID_CHARS) return `is ${value.length} characters, more than an id can be (at most ${MAX_ID_CHARS})`;
  if (!ID_PATTERN.test(value)) return `${quoteName(value)} is not a message id (ids look like "000012-manager-001")`;
  return undefined;
}

/** Why `value` cannot be `what` (a model key, a time): too long, or not one line; undefined when it can. */
export function labelProblem(value: string, what: string): string | undefined {
  if (value.length > MAX_LABEL_CHARS) return `is ${value.length} characters, more than ${what} can be (at most ${MAX_LABEL_CHARS})`;
  if (value.trim() === '' || CONTROL.test(value)) return `${quoteName(value)} is not ${what} (one line of text)`;
  return undefined;
}
