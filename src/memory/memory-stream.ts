import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { padTurn } from '../mailbox/message.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { isTemporaryName } from '../storage/temporary-files.js';
import { formatMemory, memoryFileName, MEMORY_KINDS, type Memory } from './memory-file.js';
import { StreamIndex } from './memory-index.js';
import { streamFolder } from './memory-paths.js';

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
 * Remove the memories an interrupted attempt at `turn` wrote for the agent (and the temporaries it
 * left), so the turn applied again writes exactly its own. Only names lemming gives a memory of that
 * turn: a file a person wrote is never removed.
 */
export function removeTurnMemories(root: string, agent: string, turn: number): void {
  const folder = streamFolder(root, agent);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  const prefix = `${padTurn(turn)}-`;
  for (const name of names) {
    const temporary = name.startsWith(`.${prefix}`) && isTemporaryName(name);
    if (temporary || OWN_NAME.exec(name)?.[1] === padTurn(turn)) unlinkSync(join(folder, name));
  }
}
