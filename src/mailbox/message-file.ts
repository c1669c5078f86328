import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from './message-format.js';
import { isMessageFileName } from './outbox-scan.js';
import { messageId, parseMessageFileName, padTurn, type Message } from './message.js';
import { readRegularFile } from './read-regular-file.js';

/** Where an agent's outbox sits, relative to the org root. */
export function outboxPath(agent: string): string {
  return `agents/${agent}/outbox`;
}

/**
 * The message files in an agent's outbox, in name order (which is time order for the
 * files lemming names); none when the outbox does not exist.
 */
export function listMessageFiles(root: string, agent: string): string[] {
  try {
    return readdirSync(join(root, outboxPath(agent))).filter(isMessageFileName).sort();
  } catch {
    return [];
  }
}

/** Files larger than this are read only up to it; the body is cut and says so. */
export const MAX_MESSAGE_FILE_BYTES = 4 * 1024 * 1024;

/** A message with notes on what in the file was overruled (sender, recipient), or why the file cannot be used. */
export type ReadMessageResult = { message: Message; notes: string[] } | { error: string };

/**
 * Read one message file from `sender`'s outbox. The sender is the outbox's owner,
 * whatever the file claims; the id comes from the file name, so it is unique.
 * Symbolic links and anything but a regular file are refused: an outbox cannot point
 * outside the org, and a pipe cannot stall the engine.
 */
export function readMessageFile(root: string, sender: string, name: string, fallbackTurn: number): ReadMessageResult {
  const read = readRegularFile(join(root, outboxPath(sender), name), MAX_MESSAGE_FILE_BYTES);
  if ('error' in read) return read;
  const { text, truncated } = read;
  if (text.trim() === '') return { error: 'is empty' };
  const parsed = parseMessage(text);
  if ('error' in parsed) return parsed;
  const fields = parsed.message;
  const notes: string[] = [];
  const fromName = parseMessageFileName(name);
  const turn = fromName?.turn ?? fields.turn ?? fallbackTurn;
  // A name lemming did not make keeps its ".md" in the id: no id lemming makes has a dot, so the two never meet.
  const id = fromName ? messageId(fromName.turn, sender, fromName.seq) : `${padTurn(turn)}-${sender}-${name}`;
  if (fields.claimedFrom !== undefined && fields.claimedFrom !== sender) {
    notes.push(`claims to be from ${JSON.stringify(fields.claimedFrom)} but sits in ${sender}'s outbox, so it is from ${sender}`);
  }
  if (fromName && fromName.to !== fields.to) {
    notes.push(`its file name says it is for ${fromName.to} but its front matter says ${fields.to}; the front matter wins`);
  }
  const message: Message = {
    id,
    from: sender,
    to: fields.to,
    turn,
    created: fields.created ?? new Date(0).toISOString(),
    priority: fields.priority,
    body: truncated ? `${fields.body}\n\n[lemming: this file is larger than ${MAX_MESSAGE_FILE_BYTES} bytes; the rest was not read]` : fields.body,
  };
  if (fields.subject !== undefined) message.subject = fields.subject;
  if (fields.replyTo !== undefined) message.replyTo = fields.replyTo;
  if (fields.model !== undefined) message.model = fields.model;
  if (fields.usage) message.usage = fields.usage;
  return { message, notes };
}
