import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { formatMemory, type Memory } from './memory-file.js';
import { StreamIndex } from './memory-index.js';
import { streamFolder } from './memory-paths.js';
import { rateImportance, type AskForRatings } from './model-importance.js';

/**
 * Ask the agent's model for the importance of the memories of its stream written before `turn` that
 * no model has rated yet (model-importance.ts: one call, the rule kept where it gives none), and keep
 * each rating in its memory's file (`importance:` and `rated:`), through the one write layer, so it is
 * never asked again. A person who sets a memory's importance by hand and wants it kept writes
 * `rated: person` (any value) beside it. Returns how many were asked and rated, and why a call failed.
 */
export async function rateStream(root: string, agent: string, turn: number, model: string, ask: AskForRatings): Promise<{ asked: number; rated: number; error?: string }> {
  const index = StreamIndex.of(root, agent).refresh();
  const earlier = index.memories().filter((memory) => memory.turn < turn);
  const result = await rateImportance(earlier, model, ask);
  const changed: Memory[] = [];
  result.memories.forEach((memory, place) => {
    const before = earlier[place];
    if (!before || memory === before) return;
    const name = index.fileOf(before);
    if (name === undefined) return;
    writeFileAtomic(join(streamFolder(root, agent), name), formatMemory(memory));
    changed.push(before);
  });
  // Rewritten in place: the folder's time does not move, so the index reads them again by their stamps.
  index.recheck(changed);
  return { asked: result.asked, rated: changed.length, ...(result.error === undefined ? {} : { error: result.error }) };
}
