import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { capBody, capSubject, idProblem, labelProblem, MAX_NAME_CHARS, MAX_SUBJECT_CHARS, quoteName } from './message-text.js';
import { parseMessage, type ParsedMessageFile } from './message-format.js';
import { isMessageFileName } from './outbox-scan.js';
import { MAX_RECIPIENTS, messageId, padSeq, padTurn, parseMessageFileName, recipientsOf, type Message } from './message.js';
import { readRegularFile } from '../storage/read-regular-file.js';
import { RETIRED_FOLDER, retiredFolders } from './retired-folders.js';

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

/** A message file in an outbox: its sender (the outbox's owner) and its name. */
export interface MessageFileRef {
  sender: string;
  name: string;
}

/**
 * The files that may hold the message with this id. An id names its sender, turn and
 * sequence (`000012-manager-001`), or, for a file someone dropped in under a name of
 * their own, its sender and file name (`000012-manager-note.md`). Candidates only: the id
 * a file has is known once it is read (a dropped file's turn is not in its name).
 */
export function messageFilesFor(root: string, id: string): MessageFileRef[] {
  const found: MessageFileRef[] = [];
  const made = /^(\d{6,})-([a-z][a-z0-9_-]{0,63})-(\d{3,})$/.exec(id);
  if (made?.[1] !== undefined && made[2] !== undefined && made[3] !== undefined) {
    const sender = made[2];
    const prefix = `${padTurn(Number(made[1]))}-${padSeq(Number(made[3]))}-`;
    for (const name of listMessageFiles(root, sender)) if (name.startsWith(prefix) && parseMessageFileName(name)) found.push({ sender, name });
  }
  const dropped = /^\d{6,}-(.+\.md)$/.exec(id)?.[1];
  if (dropped === undefined) return found;
  // The sender's name may itself hold "-": try each place the name could end.
  for (let end = dropped.indexOf('-'); end > 0; end = dropped.indexOf('-', end + 1)) {
    const sender = dropped.slice(0, end);
    const name = dropped.slice(end + 1);
    if (/^[a-z][a-z0-9_-]{0,63}$/.test(sender) && !name.includes('/') && existsSync(join(root, outboxPath(sender), name))) found.push({ sender, name });
  }
  return found;
}

/** Whether a message with this id lies in an outbox (see `messageFilesFor`). */
export function messageExists(root: string, id: string): boolean {
  return messageFilesFor(root, id).length > 0;
}

/**
 * What is read of a message file, at most: a larger file is read only up to it (so a
 * gigabyte dropped into an outbox costs 4 MB of memory, once), and its body says so.
 */

/**
 * Where a message file of a retired agent's outbox is now: `agents/.retired/<name>-<proposal>/outbox/<file>`.
 * Its mail that waited to be read is still delivered from there, so a retirement loses none. Only
 * asked when the file is not in the agent's own outbox, which is rare: no cost to a steady turn.
 */
export function retiredMessagePath(root: string, sender: string, name: string): string | undefined {
  for (const folder of retiredFolders(root, sender).reverse()) {
    const path = join(root, 'agents', RETIRED_FOLDER, folder, 'outbox', name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Files larger than this are read only up to it; the body is cut and says so. */
export const MAX_MESSAGE_FILE_BYTES = 4 * 1024 * 1024;

/** A message with notes on what in the file was overruled (sender, recipient) or cut, or why the file cannot be used. */
/** A message read, or why not (`removed`: no file there now, taken back by hand). */
export type ReadMessageResult = { message: Message; notes: string[] } | { error: string; removed?: true };

/**
 * Read one message file from `sender`'s outbox. The sender is the outbox's owner,
 * whatever the file claims; the id comes from the file name, so it is unique.
 * Symbolic links and anything but a regular file are refused: an outbox cannot point
 * outside the org, and a pipe cannot stall the engine. The fields are capped as a
 * model's are (message-text.ts), the body at `maxBodyChars` (org.yaml
 * `engine.max_body_chars`), so every reader sees the same message, never more.
 */
export function readMessageFile(root: string, sender: string, name: string, fallbackTurn: number, maxBodyChars: number): ReadMessageResult {
  // A plain name needs no join: normalising each path was a tenth of reading a fresh process's waiting mail.
  const path = name.includes('/') ? join(root, outboxPath(sender), name) : `${root}/${outboxPath(sender)}/${name}`;
  let read = readRegularFile(path, MAX_MESSAGE_FILE_BYTES);
  if ('error' in read && read.code === 'ENOENT' && !name.includes('/')) {
    // Mail of an agent retired since it was sent is read from where its folder went.
    const retired = retiredMessagePath(root, sender, name);
    if (retired !== undefined) read = readRegularFile(retired, MAX_MESSAGE_FILE_BYTES);
  }
  if ('error' in read) return read.code === 'ENOENT' ? { error: read.error, removed: true } : { error: read.error };
  const { text, truncated, size } = read;
  if (text.trim() === '') return { error: 'is empty' };
  let parsed: ReturnType<typeof parseMessage>;
  try {
    parsed = parseMessage(text);
  } catch (error) {
    // A parser's throw on strange input is this file's problem (the engine skips it with a warning), never the turn's.
    parsed = { error: `could not be read: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  }
  if ('error' in parsed) {
    return truncated ? { error: `${parsed.error} (the file is ${size} bytes, and only its first ${MAX_MESSAGE_FILE_BYTES} are read)` } : parsed;
  }
  const capped = capFileFields(parsed.message, maxBodyChars);
  if ('error' in capped) return capped;
  const { fields, notes } = capped;
  const fromName = parseMessageFileName(name);
  const turn = fromName?.turn ?? fields.turn ?? fallbackTurn;
  // A name lemming did not make keeps its ".md" in the id: no id lemming makes has a dot, so the two never meet.
  const id = fromName ? messageId(fromName.turn, sender, fromName.seq) : `${padTurn(turn)}-${sender}-${name}`;
  if (fields.claimedFrom !== undefined && fields.claimedFrom !== sender) {
    notes.push(`claims to be from ${quoteName(fields.claimedFrom)} but sits in ${sender}'s outbox, so it is from ${sender}`);
  }
  if (fromName && fromName.to !== fields.to) {
    notes.push(`its file name says it is for ${fromName.to} but its front matter says ${quoteName(fields.to)}; the front matter wins`);
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
  if (fields.alsoTo !== undefined) message.alsoTo = fields.alsoTo;
  if (fields.cc !== undefined) message.cc = fields.cc;
  if (fields.subject !== undefined) message.subject = fields.subject;
  if (fields.replyTo !== undefined) message.replyTo = fields.replyTo;
  if (fields.model !== undefined) message.model = fields.model;
  if (fields.usage) message.usage = fields.usage;
  return { message, notes };
}

/** The fields of a message file after the caps, with a note for each one cut or dropped; or why the file cannot be a message. */
type CappedFields = { fields: ParsedMessageFile; notes: string[] } | { error: string };

/**
 * Apply the caps to the fields of a message file, as a model's send_message is capped: the
 * subject and the body (at `maxBodyChars`, org.yaml `engine.max_body_chars`) are cut and say
 * so; an id, reply_to, model or time that cannot be one is dropped; a recipient longer than
 * any agent name refuses the file. The notes name what changed, for a warning. Pure.
 */
function capFileFields(parsed: ParsedMessageFile, maxBodyChars: number): CappedFields {
  const longTo = parsed.to.length > MAX_NAME_CHARS ? parsed.to : parsed.alsoTo?.find(isLongName);
  const long = longTo ?? parsed.cc?.find(isLongName);
  if (long !== undefined) {
    return { error: `has a \`${longTo === undefined ? 'cc' : 'to'}:\` of ${long.length} characters; a recipient is an agent name of at most ${MAX_NAME_CHARS} characters, for example \`to: planner\`` };
  }
  const count = recipientsOf(parsed).length;
  if (count > MAX_RECIPIENTS) {
    return { error: `names ${count} recipients in \`to:\` and \`cc:\`; a message reaches at most ${MAX_RECIPIENTS} (a mailing list under org/lists/ reaches more)` };
  }
  const notes: string[] = [];
  // Built field by field, never spread and then deleted from: a deleted field turns an object into a dictionary, and a fresh process reads every waiting message (issue 76).
  const fields: ParsedMessageFile = { to: parsed.to, priority: parsed.priority, body: capBody(parsed.body, maxBodyChars) };
  if (fields.body !== parsed.body) notes.push(`its body is ${parsed.body.length} characters; it was cut to ${maxBodyChars} (org.yaml engine.max_body_chars)`);
  if (parsed.alsoTo !== undefined) fields.alsoTo = parsed.alsoTo;
  if (parsed.cc !== undefined) fields.cc = parsed.cc;
  if (parsed.claimedFrom !== undefined) fields.claimedFrom = parsed.claimedFrom;
  if (parsed.turn !== undefined) fields.turn = parsed.turn;
  if (parsed.usage !== undefined) fields.usage = parsed.usage;
  if (parsed.subject !== undefined) {
    const capped = capSubject(parsed.subject);
    if (capped.subject !== undefined) fields.subject = capped.subject;
    if (capped.cut > 0) notes.push(`its \`subject:\` is ${capped.length} characters; it was cut to ${MAX_SUBJECT_CHARS} (subjects are capped at ${MAX_SUBJECT_CHARS} characters)`);
  }
  const kept = (label: string, problem: string | undefined): boolean => {
    if (problem !== undefined) notes.push(`its \`${label}:\` ${problem}; it was dropped`);
    return problem === undefined;
  };
  if (parsed.replyTo !== undefined && kept('reply_to', idProblem(parsed.replyTo))) fields.replyTo = parsed.replyTo;
  if (parsed.model !== undefined && kept('model', labelProblem(parsed.model, 'a model name'))) fields.model = parsed.model;
  if (parsed.created !== undefined && kept('created', labelProblem(parsed.created, 'a time'))) fields.created = parsed.created;
  if (parsed.id !== undefined) {
    const problem = idProblem(parsed.id);
    // The id always comes from the file's name: the field is only ever a claim.
    if (problem !== undefined) notes.push(`its \`id:\` ${problem}; it was ignored (a message's id comes from its file name)`);
  }
  return { fields, notes };
}

/** Whether a recipient named in a file is longer than any agent name. */
function isLongName(name: string): boolean {
  return name.length > MAX_NAME_CHARS;
}
