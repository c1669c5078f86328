import { basename } from 'node:path';
import { readMessageFile } from '../../mailbox/message-file.js';
import { parseMessageFileName, recipientsOf } from '../../mailbox/message.js';
import { readerProblem, type ListsNow } from '../../org/lists/recipients.js';
import type { Org } from '../../org/org.js';
import type { PendingItem } from '../record/engine-state.js';

/**
 * How many of the messages waiting for `reader` its next turn will refuse as it reads them, the chart
 * or a list having changed since they were sent (turn/prepare-call.ts, readMail, asks readerProblem the
 * same): `status` counts them apart from the unread. A message's names are taken from its file's name
 * where that settles them (namesFromFileName), so a status of 10,000 agents, or of an org whose members
 * reach each other through lists alone, reads no message; a file is read only where the name does not.
 */
export function refusedWhenRead(root: string, org: Org, reader: string, mail: readonly PendingItem[], lists: ListsNow): number {
  let refused = 0;
  for (const item of mail) {
    // A notice is the engine's own; mail from an agent that has left is read as it was let through.
    if (item.kind !== 'message' || !org.agents.has(item.from)) continue;
    let names = namesFromFileName(basename(item.file), reader);
    if (names === undefined) {
      const read = readMessageFile(root, item.from, basename(item.file), item.turn, org.settings.max_body_chars);
      // A file gone or broken since is the turn's to say (it stops waiting with a warning), not a refusal.
      if ('error' in read) continue;
      names = recipientsOf(read.message);
    }
    if (readerProblem(org, item.from, reader, names, lists) !== undefined) refused += 1;
  }
  return refused;
}

/**
 * The names of a message readerProblem needs, as the name lemming gives its file says them (mailbox/message.ts,
 * messageFileName): its one recipient (an agent or a list), or the reader first of several (a reader the message
 * names is decided by its own edge, whoever else it names). Undefined where the name does not settle them (a
 * message to several that does not name the reader first, a file a person named): then the file is read. A file
 * whose `to:` a person changed after it was sent is counted by its name; its turn reads the front matter.
 */
function namesFromFileName(fileName: string, reader: string): readonly string[] | undefined {
  const named = parseMessageFileName(fileName);
  if (named === undefined) return undefined;
  if (named.others === 0 || named.to === reader) return [named.to];
  return undefined;
}
