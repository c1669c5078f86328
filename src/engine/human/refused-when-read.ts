import { basename } from 'node:path';
import { readMessageFile } from '../../mailbox/message-file.js';
import { recipientsOf } from '../../mailbox/message.js';
import { readerProblem, recipientProblem, type ListsNow } from '../../org/lists/recipients.js';
import type { Org } from '../../org/org.js';
import type { PendingItem } from '../record/engine-state.js';

/**
 * How many of the messages waiting for `reader` its next turn will refuse as it reads them, the chart
 * having lost their edge since they were sent (turn/prepare-call.ts, readMail, asks readerProblem the
 * same): `status` counts them apart from the unread. A message file is read only when the chart no
 * longer lets the sender reach the reader by name, which a steady org never meets, so a status of
 * 10,000 agents reads no message. A post whose reader's own edge holds is counted unread even when its
 * list dropped the reader since: telling would read every post's file (its turn refuses it all the same).
 */
export function refusedWhenRead(root: string, org: Org, reader: string, mail: readonly PendingItem[], lists: ListsNow): number {
  let refused = 0;
  for (const item of mail) {
    // A notice is the engine's own; mail from an agent that has left is read as it was let through.
    if (item.kind !== 'message' || !org.agents.has(item.from)) continue;
    if (recipientProblem(org, item.from, reader) === undefined) continue;
    const read = readMessageFile(root, item.from, basename(item.file), item.turn, org.settings.max_body_chars);
    // A file gone or broken since is the turn's to say (it stops waiting with a warning), not a refusal.
    if ('error' in read) continue;
    if (readerProblem(org, item.from, reader, recipientsOf(read.message), lists) !== undefined) refused += 1;
  }
  return refused;
}
