import type { Memory } from './memory-file.js';
import { scaled } from './rank-memories.js';

/** The cosine of two vectors; 0 when either is all zeros or their lengths differ. Pure. */
export function cosine(left: readonly number[], right: readonly number[]): number {
  if (left.length !== right.length || left.length === 0) return 0;
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index += 1) {
    const a = left[index] ?? 0;
    const b = right[index] ?? 0;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}

/**
 * Relevance from both the words and the meaning: BM25's score (memory-search.ts) and the cosine of the
 * memory's vector with the query's, each min–max scaled over the memories (as the ranking scales each
 * part), then averaged, so neither outweighs the other by its spread. A memory without a vector (one
 * whose id cannot name a file, or an embedding that failed) has the lowest cosine of them. Pure.
 */
export function combinedRelevance(
  memories: readonly Memory[],
  words: (memory: Memory) => number,
  query: readonly number[],
  vectorOf: (memory: Memory) => readonly number[] | undefined,
): (memory: Memory) => number {
  const bm25 = scaled(memories.map(words));
  const cosines = memories.map((memory) => {
    const vector = vectorOf(memory);
    return vector === undefined ? undefined : cosine(vector, query);
  });
  const known = cosines.filter((value): value is number => value !== undefined);
  const floor = known.length === 0 ? 0 : Math.min(...known);
  const meaning = scaled(cosines.map((value) => value ?? floor));
  const combined = new Map<Memory, number>();
  memories.forEach((memory, index) => combined.set(memory, ((bm25[index] ?? 0) + (meaning[index] ?? 0)) / 2));
  return (memory) => combined.get(memory) ?? 0;
}
