import type { Memory } from './memory-file.js';
import { newMemorySearch, QUERY_CHARS, relevanceScores, termsOf } from './memory-search.js';

/** Each turn a memory ages, its recency is this much of what it was: after 35 turns about a half, after 115 a tenth. */
export const RECENCY_DECAY = 0.98;

/** A memory with its score for one call, and the three parts the score adds up (each from 0 to 1). */
export interface RankedMemory {
  memory: Memory;
  score: number;
  recency: number;
  importance: number;
  relevance: number;
}

/** What a call retrieves for: its turn (only earlier memories count) and the text its memories should bear on. */
export interface RetrievalQuery {
  turn: number;
  query: string;
}

/**
 * Rank memories for a call, best first, as the generative agents of Park et al. (2023) do: recency
 * (decaying by RECENCY_DECAY a turn since it was written), importance (its 1 to 10, over 10) and
 * relevance to the query (full-text, the best match 1), added with equal weights. Ties go to the
 * newer, then to the lower id, so a ranking is the same on every machine. Memories of the call's own
 * turn or later are left out: a turn sees what came before it. Pure.
 */
export function rankMemories(memories: readonly Memory[], query: RetrievalQuery, relevance?: (memory: Memory) => number): RankedMemory[] {
  const earlier = memories.filter((memory) => memory.turn < query.turn);
  const relevant = relevance ?? relevanceOf(earlier, query.query);
  const ranked = earlier.map((memory): RankedMemory => {
    const recency = RECENCY_DECAY ** Math.max(0, query.turn - 1 - memory.turn);
    const importance = memory.importance / 10;
    const match = relevant(memory);
    return { memory, score: recency + importance + match, recency, importance, relevance: match };
  });
  return ranked.sort((left, right) => right.score - left.score || right.memory.turn - left.memory.turn || (left.memory.id < right.memory.id ? -1 : left.memory.id > right.memory.id ? 1 : 0));
}

/** Relevance from an index made for these memories alone (the engine's own index is kept between calls: memory-index.ts). */
function relevanceOf(memories: readonly Memory[], query: string): (memory: Memory) => number {
  if (query.trim() === '') return () => 0;
  const search = newMemorySearch();
  const keys = new Map<Memory, string>();
  memories.forEach((memory, index) => {
    keys.set(memory, String(index));
    search.add({ key: String(index), text: memory.text });
  });
  const scores = relevanceScores(search, termsOf(query.slice(0, QUERY_CHARS)));
  return (memory) => scores.get(keys.get(memory) ?? '') ?? 0;
}
