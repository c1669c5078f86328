import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { outboxPath } from '../../mailbox/message-file.js';
import { padTurn, parseMessageFileName } from '../../mailbox/message.js';
import { isTemporaryName } from '../../storage/temporary-files.js';
import type { MemoryLayer } from './prepare-call.js';

/*
 * What an attempt at a turn wrote in an agent's folder, removed again: before a turn a crash cut short
 * is written once more (so the replay writes exactly its own files), and when the agent's files could
 * not be written (so a person who mends the folder finds no half of a turn). apply-response.ts calls both.
 */

/** Remove this turn's files (its messages, and its memories) from an agent's folder that could not be written to. */
export function removeTurnFilesQuietly(root: string, agent: string, turn: number, memory?: MemoryLayer): void {
  try {
    removeTurnFiles(join(root, outboxPath(agent)), turn);
    memory?.removeTurnMemories(root, agent, turn);
  } catch {
    // What cannot be listed or changed cannot be tidied: the turn's replay removes them first.
  }
}

/** Remove the message files a crashed attempt at `turn` wrote, so the replay writes exactly its own. */
export function removeTurnFiles(outbox: string, turn: number): void {
  let names: string[];
  try {
    names = readdirSync(outbox);
  } catch {
    return;
  }
  // Only names lemming gives a message of this turn: a file a person dropped in is never removed.
  const prefix = `${padTurn(turn)}-`;
  for (const name of names) {
    const temporary = name.startsWith(`.${prefix}`) && isTemporaryName(name);
    if (temporary || parseMessageFileName(name)?.turn === turn) unlinkSync(join(outbox, name));
  }
}
