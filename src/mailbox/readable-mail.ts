import { messageFilesFor, readMessageFile } from './message-file.js';
import { isAddressedTo, recipientsOf, type Message } from './message.js';

/**
 * Whether the file `name` in `sender`'s outbox, holding the message `id`, was delivered: the
 * engine wrote it, or took it in and let it through. Given by the engine's record of the files
 * taken in (engine/record/taken-files.ts, `deliveredMail`), so this floor never reads its state.
 */
export type DeliveredMail = (id: string, sender: string, name: string) => boolean;

/**
 * Whether `reader` may read posts to `name` when `name` is a mailing list (false when it is not one):
 * given by the caller from org/lists/, which lies a floor above this one.
 */
export type ListReader = (name: string, reader: string) => boolean;

/** A message file: the outbox it lies in (its sender's) and its name there. */
export interface MailFile {
  sender: string;
  name: string;
}

/**
 * Who may read a message: its sender or a recipient (a name of its `to:` or `cc:`), and only once it was delivered. A file the
 * chart refused, one skipped as broken (even mended in place), one not taken in yet is not mail,
 * whatever it says, and neither is anyone else's. A letter to the reader, or a post it reads through a list,
 * is read under the chart and the lists as they are now (`readerCheck`), as its waiting mail is
 * (engine/turn/prepare-call.ts). The one rule for an agent's
 * `read_message` and for every tool of a seat an outside program takes (`lemming mcp --as`: its inbox,
 * a message, a search, a thread), so they can never drift apart.
 */
export function mayRead(reader: string, message: Pick<Message, 'id' | 'from' | 'to' | 'alsoTo' | 'cc'>, file: MailFile, delivered: DeliveredMail, listReader?: ListReader, readerCheck?: ReaderCheck): boolean {
  return mailAccess(reader, message, file, delivered, listReader, readerCheck) === 'open';
}

/** mayRead with its reason: `open`; not mail for this reader (`none`); or a letter or list post to it the chart or the lists no longer let it read (`closed`, why). */
export function mailAccess(reader: string, message: Pick<Message, 'id' | 'from' | 'to' | 'alsoTo' | 'cc'>, file: MailFile, delivered: DeliveredMail, listReader?: ListReader, readerCheck?: ReaderCheck): 'open' | 'none' | { closed: string } {
  if (!delivered(message.id, file.sender, file.name)) return 'none';
  if (message.from === reader) return 'open';
  // A post to a mailing list: its members, and those the list's `archive:` names (org/lists/).
  const throughList = !isAddressedTo(message, reader);
  if (throughList && !(listReader !== undefined && recipientsOf(message).some((name) => listReader(name, reader)))) return 'none';
  // Its mail, by name or through a list: open while the chart and the lists as they are now let it read it.
  const closed = readerCheck?.(file.sender, message);
  return closed === undefined ? 'open' : { closed };
}

/**
 * What `openMail` found for a reader: the message; or a delivered file that does not read as a
 * message now (edited, removed), said as `readMessageFile` says it; or a letter or list post to the
 * reader that the chart or the lists no longer let it read (`closed`, why); or why there is none to show:
 * no outbox holds that id (`missing`), the reader wrote it and it never arrived (`never-delivered`:
 * refused, skipped, not taken in yet), or it is not mail this reader may read (`not-delivered`).
 */
export type OpenedMail = { message: Message; file: MailFile } | { unreadable: string } | { closed: string } | { none: 'missing' | 'never-delivered' | 'not-delivered' };

/**
 * Why a message from `sender` that names its reader, or a list it reads, may not be read now (the chart and
 * the lists may have changed since it was delivered), or undefined when it may: given by the caller from the org (org/lists/recipients.ts, readerProblem).
 */
export type ReaderCheck = (sender: string, message: Pick<Message, 'to' | 'alsoTo' | 'cc'>) => string | undefined;

/**
 * A message in full, by id, as `reader` may read it (`mayRead`). Cheap: only the outbox the id
 * names is listed, and only a delivered file is read, so a broken file that never arrived costs
 * nothing and says nothing. The body is capped at `maxBodyChars` (org.yaml `engine.max_body_chars`).
 */
export function openMail(root: string, reader: string, id: string, delivered: DeliveredMail, maxBodyChars: number, listReader?: ListReader, readerCheck?: ReaderCheck): OpenedMail {
  const files = messageFilesFor(root, id);
  if (files.length === 0) return { none: 'missing' };
  const turn = Number(/^\d+/.exec(id)?.[0] ?? 0);
  for (const file of files) {
    if (!delivered(id, file.sender, file.name)) continue;
    const read = readMessageFile(root, file.sender, file.name, turn, maxBodyChars);
    if ('error' in read) return { unreadable: read.error };
    if (read.message.id !== id) continue;
    const access = mailAccess(reader, read.message, file, delivered, listReader, readerCheck);
    if (access === 'none') continue;
    return access === 'open' ? { message: read.message, file } : access;
  }
  return { none: files.some((file) => file.sender === reader) ? 'never-delivered' : 'not-delivered' };
}
