import type { Memory } from './memory-file.js';
import type { Embedder } from '../providers/openai/openai-embedder.js';
import { readVector, writeVector } from './memory-vectors.js';

/** What an agent's memories and a query were embedded into, and what it took. */
export interface EmbeddedRecall {
  /** The query's vector. */
  query: number[];
  /** Each memory's vector, where it has one (by id: a memory read again after an edit in place has none until the next turn embeds it). */
  vectorOf(memory: Memory): readonly number[] | undefined;
  /** Memories sent to the server this time: new ones, and those whose text changed since their vector was made. */
  embedded: number;
  /** Input tokens the server counted, the query's included: what the agent is charged at the embedding model's input price. */
  inputTokens: number;
}

/**
 * Embed what an agent's retrieval needs: each memory that has no vector kept for `model` or whose text
 * changed since (memory-vectors.ts), in one batched request with the query, the new vectors kept beside
 * the stream; the rest read back from their files. A memory's vector is asked for once while its text
 * stays the same, so a turn pays for its new memories and its query, not for the stream.
 */
export async function embedForRecall(root: string, agent: string, memories: readonly Memory[], query: string, model: string, embed: Embedder, keptQuery?: number[]): Promise<EmbeddedRecall> {
  const vectors = new Map<string, readonly number[]>();
  const missing: Memory[] = [];
  for (const memory of memories) {
    const kept = readVector(root, agent, memory, model);
    if (kept) vectors.set(memory.id, kept);
    else missing.push(memory);
  }
  // A query already embedded for this turn (planned again after a crash) is not asked again, nor, then, is a call made for nothing.
  if (keptQuery && missing.length === 0) return { query: keptQuery, vectorOf: (memory) => vectors.get(memory.id), embedded: 0, inputTokens: 0 };
  const answer = await embed([...(keptQuery ? [] : [query]), ...missing.map((memory) => memory.text)]);
  const [queryVector = [], ...made] = keptQuery ? [keptQuery, ...answer.vectors] : answer.vectors;
  missing.forEach((memory, index) => {
    const vector = made[index];
    if (!vector) return;
    writeVector(root, agent, memory, model, vector);
    vectors.set(memory.id, vector);
  });
  return { query: queryVector, vectorOf: (memory) => vectors.get(memory.id), embedded: missing.length, inputTokens: answer.inputTokens };
}
