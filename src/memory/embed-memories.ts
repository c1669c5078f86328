import type { Memory } from './memory-file.js';
import type { Embedder } from '../providers/embedding-gate.js';
import { readVector, writeVector } from './memory-vectors.js';
import { vectorProblem } from './vector-rule.js';

/** What an agent's memories and a query were embedded into, and what it took. */
export interface EmbeddedRecall {
  /** The query's vector; absent when the model's answer for it broke the vector's rule (the words alone rank this turn). */
  query?: number[];
  /** Each memory's vector, where it has one (by id: a memory read again after an edit in place has none until the next turn embeds it). */
  vectorOf(memory: Memory): readonly number[] | undefined;
  /** Memories sent to the server this time: new ones, and those whose text changed since their vector was made. */
  embedded: number;
  /** Input tokens the server counted (as the embedding gate admitted them), the query's included: what the agent is charged at the embedding model's input price. */
  inputTokens: number;
  /** The server gave no count, and lemming's estimate of the texts stands in. */
  estimated?: true;
  /** What the embedding gate did not take as it came, a sentence a change. */
  clamped?: string[];
  /** Why the model's vectors were not kept, where some were not: the query's, and the memories' (each refused once, kept as refused). */
  refused?: { query?: string; memories: number; problem?: string };
}

/**
 * Embed what an agent's retrieval needs: each memory that has no vector kept for `model` or whose text
 * changed since (memory-vectors.ts), in one batched request with the query, the new vectors kept beside
 * the stream; the rest read back from their files. A memory's vector is asked for once while its text
 * stays the same, so a turn pays for its new memories and its query, not for the stream.
 * Each vector the server gives passes the vector's rule (vector-rule.ts) before it is written or ranked
 * with, its length held to the one the model gave before (a kept memory's, else the query's, else the
 * first the answer holds that keeps the rule): a memory whose vector is refused is kept as refused, ranked
 * by its words and not asked again while its text stays the same; a query refused ranks this turn by words.
 */
export async function embedForRecall(root: string, agent: string, memories: readonly Memory[], query: string, model: string, embed: Embedder, keptQuery?: number[]): Promise<EmbeddedRecall> {
  const vectors = new Map<string, readonly number[]>();
  const missing: Memory[] = [];
  let length: number | undefined;
  for (const memory of memories) {
    const kept = readVector(root, agent, memory, model);
    if (kept === undefined) missing.push(memory);
    else if ('vector' in kept) {
      vectors.set(memory.id, kept.vector);
      length ??= kept.vector.length;
    }
  }
  const vectorOf = (memory: Memory): readonly number[] | undefined => vectors.get(memory.id);
  // A query already embedded for this turn (planned again after a crash) is not asked again, nor, then, is a call made for nothing.
  if (keptQuery && missing.length === 0) return { query: keptQuery, vectorOf, embedded: 0, inputTokens: 0 };
  const answer = await embed([...(keptQuery ? [] : [query]), ...missing.map((memory) => memory.text)]);
  const given = keptQuery ? [keptQuery, ...answer.vectors] : answer.vectors;
  length ??= keptQuery?.length ?? given.map((vector) => (vectorProblem(vector) === undefined ? (vector as unknown[]).length : undefined)).find((each) => each !== undefined);
  const [queryGiven, ...made] = given;
  const queryProblem = keptQuery ? undefined : vectorProblem(queryGiven, length);
  let refusedMemories = 0;
  let firstProblem: string | undefined;
  missing.forEach((memory, index) => {
    const vector = made[index];
    const problem = vectorProblem(vector, length);
    if (problem === undefined) {
      writeVector(root, agent, memory, model, { vector: vector as number[] });
      vectors.set(memory.id, vector as number[]);
      return;
    }
    writeVector(root, agent, memory, model, { refused: problem });
    refusedMemories += 1;
    firstProblem ??= problem;
  });
  const refused = queryProblem !== undefined || refusedMemories > 0 ? { ...(queryProblem !== undefined ? { query: queryProblem } : {}), memories: refusedMemories, ...(firstProblem !== undefined ? { problem: firstProblem } : {}) } : undefined;
  return {
    ...(queryProblem === undefined ? { query: queryGiven as number[] } : {}),
    vectorOf,
    embedded: missing.length,
    inputTokens: answer.inputTokens,
    ...(answer.estimated ? { estimated: true as const } : {}),
    ...(answer.clamped ? { clamped: answer.clamped } : {}),
    ...(refused ? { refused } : {}),
  };
}
