import { statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { formatMemory, type Memory } from './memory-file.js';
import { StreamIndex } from './memory-index.js';
import { streamFolder } from './memory-paths.js';
import { parseRatings, rateImportance, RATED_PER_CALL, type AskForRatings } from './model-importance.js';

/** A model's answer to the rating question, as a turn's journal keeps it: applied (again, after a crash) without asking again. */
export interface RatingAnswer {
  text: string;
  /** The ids it was asked to rate. */
  asked: string[];
  modelKey: string;
  inputTokens: number;
  outputTokens: number;
}

/**
 * The memories of an agent's stream written before `turn` that no model has rated (model-importance.ts),
 * at most RATED_PER_CALL of them, the oldest first; none: nothing to ask.
 */
export function memoriesToRate(root: string, agent: string, turn: number): Memory[] {
  return StreamIndex.of(root, agent)
    .refresh()
    .memories()
    .filter((memory) => memory.turn < turn && memory.rated === undefined)
    .slice(0, RATED_PER_CALL);
}

/**
 * Keep the ratings an answer gives in their memories' files (`importance:` and `rated:`), through the one
 * write layer: the same answer applied again writes the same bytes, and a memory already rated is left
 * as it is. A person who sets a memory's importance by hand and wants it kept writes `rated: person`
 * (any value) beside it. Returns how many were rated.
 */
export function applyRatings(root: string, agent: string, answer: Pick<RatingAnswer, 'text' | 'asked' | 'modelKey'>): number {
  const ratings = parseRatings(answer.text, answer.asked);
  if (ratings.size === 0) return 0;
  const index = StreamIndex.of(root, agent).refresh();
  const folder = streamFolder(root, agent);
  const before = statSync(folder, { throwIfNoEntry: false })?.mtimeMs;
  const changed: Memory[] = [];
  const written: Array<{ name: string; memory: Memory }> = [];
  for (const memory of index.memories()) {
    const rating = ratings.get(memory.id);
    const name = index.fileOf(memory);
    if (rating === undefined || name === undefined || memory.rated !== undefined) continue;
    const rated = { ...memory, importance: rating, rated: answer.modelKey };
    writeFileAtomic(join(folder, name), formatMemory(rated));
    changed.push(memory);
    written.push({ name, memory: rated });
  }
  if (written.length === 0) return 0;
  // Each file replaced by a rename: the index takes the rated memories without listing the folder (memory-index.ts, wrote), or, when
  // someone else changed the folder meanwhile, reads them again by their stamps.
  index.wrote(written, before, statSync(folder).mtimeMs);
  index.recheck(changed);
  return changed.length;
}

/** Ask and apply at once (what `lemming` itself never does in a turn, where the answer is journaled between): the unrated memories before `turn`. */
export async function rateStream(root: string, agent: string, turn: number, model: string, ask: AskForRatings): Promise<{ asked: number; rated: number; error?: string }> {
  const asked = memoriesToRate(root, agent, turn);
  if (asked.length === 0) return { asked: 0, rated: 0 };
  let text = '';
  const result = await rateImportance(asked, model, async (prompt) => (text = await ask(prompt)));
  if (result.error !== undefined) return { asked: asked.length, rated: 0, error: result.error };
  return { asked: asked.length, rated: applyRatings(root, agent, { text, asked: asked.map((memory) => memory.id), modelKey: model }) };
}
