import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { padTurn } from '../mailbox/message.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { isTemporaryName } from '../storage/temporary-files.js';
import { formatMemory, memoryFileName, MEMORY_KINDS, type Memory } from './memory-file.js';
import { StreamIndex } from './memory-index.js';
import { formatRecalled, recalledFileName } from './memory-access.js';
import { recalledFolder, streamFolder } from './memory-paths.js';

/** The names lemming gives the memories of a turn: `000012-003-observation.md`. */
const OWN_NAME = new RegExp(`^(\\d{6})-\\d{3,}-(${MEMORY_KINDS.join('|')})\\.md$`);

/**
 * Write a turn's memories into the agent's stream through the one write layer (temporary file, then
 * rename), under names fixed by the turn, and tell the index. Written again after a crash, a memory
 * is the same file with the same bytes. Returns the names written.
 */
export function writeMemories(root: string, agent: string, memories: readonly Memory[]): string[] {
  if (memories.length === 0) return [];
  const folder = streamFolder(root, agent);
  const before = statSync(folder, { throwIfNoEntry: false })?.mtimeMs;
  const written = memories.map((memory) => {
    const name = memoryFileName(memory);
    writeFileAtomic(join(folder, name), formatMemory(memory));
    return { name, memory };
  });
  StreamIndex.of(root, agent).wrote(written, before, statSync(folder).mtimeMs);
  return written.map((entry) => entry.name);
}

/**
 * Write which memories the agent's prompt of `turn` recalled (their ids, in the order shown) into
 * `agents/<name>/memory/recalled/<turn>.md`, through the one write layer, and tell the index: the
 * access recency counts from (memory-access.ts). Written again after a crash, the same bytes. Nothing
 * recalled, nothing written. The name written, if any.
 */
export function writeRecalled(root: string, agent: string, turn: number, ids: readonly string[]): string | undefined {
  if (ids.length === 0) return undefined;
  const folder = recalledFolder(root, agent);
  const before = statSync(folder, { throwIfNoEntry: false })?.mtimeMs;
  const name = recalledFileName(turn);
  writeFileAtomic(join(folder, name), formatRecalled(ids));
  StreamIndex.of(root, agent).accesses.wrote(name, turn, ids, before, statSync(folder).mtimeMs);
  return name;
}

/**
 * Remove the memories an interrupted attempt at `turn` wrote for the agent, its record of what it
 * recalled (and the temporaries they left), so the turn applied again writes exactly its own. Only names lemming gives a memory of that
 * turn: a file a person wrote is never removed.
 */
export function removeTurnMemories(root: string, agent: string, turn: number): void {
  const prefix = `${padTurn(turn)}-`;
  removeWhere(streamFolder(root, agent), (name) => (name.startsWith(`.${prefix}`) && isTemporaryName(name)) || OWN_NAME.exec(name)?.[1] === padTurn(turn));
  // And the record of what that attempt recalled, so the turn applied again writes its own.
  const own = recalledFileName(turn);
  removeWhere(recalledFolder(root, agent), (name) => name === own || (name.startsWith(`.${own}`) && isTemporaryName(name)));
}

/** Remove the files of `folder` that `doomed` names; a folder that is not there has none. */
function removeWhere(folder: string, doomed: (name: string) => boolean): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) if (doomed(name)) unlinkSync(join(folder, name));
}
