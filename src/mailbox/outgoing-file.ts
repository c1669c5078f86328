import { splitFrontMatter } from './front-matter.js';
import { parseMessage } from './message-format.js';
import type { Priority } from './message.js';

/**
 * A message a person writes in a file to send (`lemming send --file message.md`): the same
 * markdown as a message in an outbox, with only the fields a sender chooses. The sender, id, turn
 * and time are lemming's to give, so a file that sets them is refused rather than half obeyed.
 */

/** The front matter fields a message to send may have. */
export const OUTGOING_FIELDS = ['to', 'cc', 'subject', 'priority', 'reply_to'] as const;

/** A message read from a file, as the send takes it. */
export interface OutgoingFields {
  /** Every name of `to:`, in the order written (one or several). */
  to: string[];
  cc?: string[];
  subject?: string;
  priority?: Priority;
  replyTo?: string;
  body: string;
}

const EXAMPLE = '---\nto: planner\ncc: [hr]\nsubject: The plan\n---\nPlease plan the release.';

/** Parse one file's text; a problem names the file, the field and what a valid one looks like. Pure. */
export function parseOutgoingFile(text: string, file: string): { message: OutgoingFields } | { problem: string } {
  const parts = splitFrontMatter(text);
  if (!parts) return { problem: `${file}: has no front matter; a message to send looks like\n${EXAMPLE}` };
  const value = parts.parsed.errors.length === 0 ? parts.parsed.value : undefined;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const extra = Object.keys(value).find((key) => !(OUTGOING_FIELDS as readonly string[]).includes(key));
    if (extra !== undefined) {
      const why = extra === 'from' ? ' (the sender is the outbox it goes into: the human, or `--from AGENT`)' : '';
      return { problem: `${at(file, parts.parsed.lineOf?.([extra]))}: has a field ${JSON.stringify(extra)} that a message to send does not take${why}; its fields are ${OUTGOING_FIELDS.join(', ')}, for example\n${EXAMPLE}` };
    }
  }
  const parsed = parseMessage(text);
  if ('error' in parsed) return { problem: `${at(file, parsed.line)}: ${parsed.error}` };
  const { message } = parsed;
  if (message.body.trim() === '') return { problem: `${file}: has no text after its front matter; write the message below the closing \`---\`` };
  return {
    message: {
      to: [message.to, ...(message.alsoTo ?? [])],
      ...(message.cc !== undefined ? { cc: message.cc } : {}),
      ...(message.subject !== undefined ? { subject: message.subject } : {}),
      ...(message.priority !== 'normal' ? { priority: message.priority } : {}),
      ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}),
      body: message.body,
    },
  };
}

/** `file:line`, or the file alone when the line is not known. */
function at(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file}:${line}`;
}
