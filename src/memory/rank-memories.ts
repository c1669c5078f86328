import type { Memory } from './memory-file.js';
import { newMemorySearch, QUERY_CHARS, relevanceScores, termsOf } from './memory-search.js';

/**
 * Recency decays by this for each step back in the order of last access, as in Park et al.'s released
 * code (`recency_decay`, reverie/backend_server/persona/memory_structures/scratch.py).
 */
export const RECENCY_DECAY = 0.995;

/** How much each of the three parts weighs in a memory's score (org.yaml `memory.weights`). */
export interface RankingWeights {
  recency: number;
  relevance: number;
  importance: number;
}

/** Park et al.'s released weights (retrieve.py, new_retrieve: `gw = [0.5, 3, 2]`): relevance first, then importance, recency least. */
export const DEFAULT_WEIGHTS: Readonly<RankingWeights> = { recency: 0.5, relevance: 3, importance: 2 };

/** A memory with its score for one call, and the three parts the score weighs (each min–max scaled over the candidates, 0 to 1). */
export interface RankedMemory {
  memory: Memory;
  score: number;
  recency: number;
  importance: number;
  relevance: number;
}

/** What a call retrieves for: its turn (only earlier memories count), the text its memories should bear on, and how. */
export interface RetrievalQuery {
  turn: number;
  query: string;
  /** How the parts weigh; DEFAULT_WEIGHTS when absent. */
  weights?: Readonly<RankingWeights>;
  /** The turn a memory was last recalled into a prompt, before `turn` (memory-access.ts); undefined: never. */
  lastAccess?: (memory: Memory) => number | undefined;
}

/**
 * Rank memories for a call, best first, as the generative agents of Park et al. (2023) rank theirs:
 * - recency: the candidates ordered by when each was last touched (recalled into a prompt, or else
 *   written), newest first, the n-th back RECENCY_DECAY^n. A memory recalled in turn t was touched
 *   before the memories written in turn t (a prompt is built before its answer is remembered);
 * - importance: its 1 to 10;
 * - relevance: its full-text score for the query (the best match 1, one sharing no word 0);
 * each min–max scaled over the candidates (all equal: a half each, as theirs), then weighed and
 * added. Ties go to the newer, then to the lower id, so a ranking is the same on every machine.
 * Memories of the call's own turn or later are left out: a turn sees what came before it. Pure.
 */
export function rankMemories(memories: readonly Memory[], query: RetrievalQuery, relevance?: (memory: Memory) => number): RankedMemory[] {
  const earlier = memories.filter((memory) => memory.turn < query.turn);
  return rankForEach(earlier, query, [relevance ?? relevanceOf(earlier, query.query)])[0] ?? [];
}

/**
 * Rank the same memories for several queries of one call at once (a ranking for each item its prompt
 * shows: memory-layer.ts, recallFor), as rankMemories ranks for one: recency and importance are the
 * same for each, computed once; each query brings its own relevance. One list a relevance, in order,
 * each cut to its best `limit` (a call shows a budget's worth, not the stream). Scores are kept in typed
 * arrays and only the memories returned are made entries: a prompt of twenty messages over 5,000
 * memories ranks twenty times. Pure.
 */
export function rankForEach(memories: readonly Memory[], query: Omit<RetrievalQuery, 'query'>, relevances: ReadonlyArray<(memory: Memory) => number>, limit = Number.POSITIVE_INFINITY): RankedMemory[][] {
  const earlier = memories.filter((memory) => memory.turn < query.turn);
  const weights = query.weights ?? DEFAULT_WEIGHTS;
  const count = earlier.length;
  const recency = scaled(recencyOf(earlier, query.lastAccess));
  const importance = scaled(earlier.map((memory) => memory.importance));
  const base = new Float64Array(count);
  for (let index = 0; index < count; index += 1) base[index] = weights.recency * (recency[index] ?? 0) + weights.importance * (importance[index] ?? 0);
  // Ties go to the newer, then to the lower id: one order for every query.
  const tieOrder = Array.from({ length: count }, (_, index) => index).sort((left, right) => (earlier[right] as Memory).turn - (earlier[left] as Memory).turn || compareIds((earlier[left] as Memory).id, (earlier[right] as Memory).id));
  const tie = new Uint32Array(count);
  tieOrder.forEach((index, place) => {
    tie[index] = place;
  });
  const kept = Math.min(count, limit);
  return relevances.map((relevant) => {
    const match = scaled(earlier.map((memory) => relevant(memory)));
    const score = new Float64Array(count);
    for (let index = 0; index < count; index += 1) score[index] = (base[index] ?? 0) + weights.relevance * (match[index] ?? 0);
    const order = new Uint32Array(count).map((_, index) => index).sort((left, right) => (score[right] ?? 0) - (score[left] ?? 0) || (tie[left] ?? 0) - (tie[right] ?? 0));
    return Array.from({ length: kept }, (_, place): RankedMemory => {
      const index = order[place] as number;
      return { memory: earlier[index] as Memory, score: score[index] ?? 0, recency: recency[index] ?? 0, importance: importance[index] ?? 0, relevance: match[index] ?? 0 };
    });
  });
}

/**
 * Each memory's recency before scaling: RECENCY_DECAY to the power of its place in the order of last
 * touch, the newest first (place 1, as theirs). Touched in turn t: recalled then (before the turn's
 * answer), or written then (after it); within a touch, the later id is the newer.
 */
function recencyOf(memories: readonly Memory[], lastAccess: RetrievalQuery['lastAccess']): number[] {
  const touched = memories.map((memory, index) => {
    const accessed = lastAccess?.(memory);
    // Written in turn w: touched at 2w + 1; recalled in turn t (> w): at 2t, before what turn t writes.
    return { index, at: accessed !== undefined && accessed > memory.turn ? 2 * accessed : 2 * memory.turn + 1, id: memory.id };
  });
  touched.sort((left, right) => right.at - left.at || compareIds(right.id, left.id));
  const recency = new Array<number>(memories.length);
  touched.forEach((entry, place) => {
    recency[entry.index] = RECENCY_DECAY ** (place + 1);
  });
  return recency;
}

/** Values min–max scaled to 0..1; all equal, each a half (retrieve.py, normalize_dict_floats). Pure. */
export function scaled(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const range = high - low;
  return values.map((value) => (range === 0 ? 0.5 : (value - low) / range));
}

function compareIds(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
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
