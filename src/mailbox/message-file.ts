import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from './message-format.js';
import { isMessageFileName } from './outbox-scan.js';
import { messageId, padSeq, padTurn, parseMessageFileName, type Message } from './message.js';
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

/**
 * Whether a message with this id lies in an outbox. An id names its sender, turn and
 * sequence (`000012-manager-001`), or, for a file someone dropped in under a name of
 * their own, its sender and file name (`000012-manager-note.md`).
 */
export function messageExists(root: string, id: string): boolean {
  const made = /^(\d{6,})-([a-z][a-z0-9_-]{0,63})-(\d{3,})$/.exec(id);
  if (made?.[1] !== undefined && made[2] !== undefined && made[3] !== undefined) {
    const prefix = `${padTurn(Number(made[1]))}-${padSeq(Number(made[3]))}-`;
    if (listMessageFiles(root, made[2]).some((name) => name.startsWith(prefix))) return true;
  }
  const dropped = /^\d{6,}-(.+\.md)$/.exec(id)?.[1];
  if (dropped === undefined) return false;
  // The sender's name may itself hold "-": try each place the name could end.
  for (let end = dropped.indexOf('-'); end > 0; end = dropped.indexOf('-', end + 1)) {
    const sender = dropped.slice(0, end);
    const file = dropped.slice(end + 1);
    if (/^[a-z][a-z0-9_-]{0,63}$/.test(sender) && !file.includes('/') && existsSync(join(root, outboxPath(sender), file))) return true;
  }
  return false;
}

/** Where a retired agent's folder goes, under agents/: a dot folder, so it is no agent of the org. */
export const RETIRED_FOLDER = '.retired';

/**
 * Where a message file of a retired agent's outbox is now: `agents/.retired/<name>-<proposal>/outbox/<file>`.
 * Its mail that waited to be read is still delivered from there, so a retirement loses none. Only
 * asked when the file is not in the agent's own outbox, which is rare: no cost to a steady turn.
 */
export function retiredMessagePath(root: string, sender: string, name: string): string | undefined {
  let folders: string[];
  try {
    folders = readdirSync(join(root, 'agents', RETIRED_FOLDER));
  } catch {
    return undefined;
  }
  for (const folder of folders.filter((entry) => entry.startsWith(`${sender}-`)).sort().reverse()) {
    const path = join(root, 'agents', RETIRED_FOLDER, folder, 'outbox', name);
    if (existsSync(path)) return path;
  }
  return undefined;
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
  // A plain name needs no join: normalising each path was a tenth of reading a fresh process's waiting mail.
  const path = name.includes('/') ? join(root, outboxPath(sender), name) : `${root}/${outboxPath(sender)}/${name}`;
  let read = readRegularFile(path, MAX_MESSAGE_FILE_BYTES);
  if ('error' in read && read.code === 'ENOENT' && !name.includes('/')) {
    // Mail of an agent retired since it was sent is read from where its folder went.
    const retired = retiredMessagePath(root, sender, name);
    if (retired !== undefined) read = readRegularFile(retired, MAX_MESSAGE_FILE_BYTES);
  }
  if ('error' in read) return { error: read.error };
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
