import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Memory } from '../../src/memory/memory-file.js';
import { focalPoints, MAX_FOCAL_POINTS } from '../../src/memory/focal-points.js';
import { mergeRankings } from '../../src/memory/merge-rankings.js';
import { newMemorySearch, relevanceScores, termsOf } from '../../src/memory/memory-search.js';
import { rankForEach, rankMemories } from '../../src/memory/rank-memories.js';
import { embedRecall, recallFor } from '../../src/memory/memory-layer.js';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { queryVectorFile, readQueryVectors } from '../../src/memory/memory-vectors.js';
import type { AgentMemory } from '../../src/org/org.js';
import type { Embedder } from '../../src/providers/embedding-gate.js';
import { tempDir } from '../helpers/temp-dirs.js';

const memory = (id: string, turn: number, text: string, extra: Partial<Memory> = {}): Memory => ({ id, turn, kind: 'observation', importance: 5, sources: [], text, ...extra });
/** BM25 relevance of each memory to a query, as the ranking scores it (memory-search.ts). */
function bm25(memories: readonly Memory[], query: string): (memory: Memory) => number {
  const search = newMemorySearch();
  for (const held of memories) search.add({ key: held.id, text: held.text });
  const scores = relevanceScores(search, termsOf(query));
  return (held) => scores.get(held.id) ?? 0;
}
const ids = (memories: readonly Memory[]): string[] => memories.map((each) => each.id);

const WORDS = 'ladder bucket invoice poster kettle printer badge carpet window lamp cable drawer folder trolley pallet sticker helmet glove mop broom sponge shelf crate label tape marker stapler bench locker fridge kitchen hallway lobby garage roof boiler heater fan vent pipe valve meter fuse socket switch alarm camera sensor lock hinge handle panel'.split(' ');
/** A long report of a finished task: twenty words of its own, and in every third one the question's words (room, code, storage). */
const reportText = (index: number): string => `The task ${index} is done: ${Array.from({ length: 20 }, (_, word) => WORDS[(index * 7 + word * 3) % WORDS.length]).join(', ')} checked${index % 3 === 0 ? ' in each room, with the code of each door and the storage it uses' : ''}.`;

/** A stream like the issue's: the fact at turn 1, then many long reports of finished tasks, each naming rooms, codes and storage. */
function busyStream(): Memory[] {
  const reports = Array.from({ length: 40 }, (_, index) => memory(`r${String(index).padStart(2, '0')}`, 2 + index, `planner wrote to me, subject "Re: Task ${index}": ${reportText(index)}`, { importance: 7 }));
  // The same importance as the reports, and the oldest: only its relevance to the question can put it first.
  return [memory('fact', 1, 'human wrote to me, subject "Storage room": For your information: the code of the storage room is 4417-K.', { importance: 7 }), ...reports];
}
const QUESTION = 'Question\nWhat is the code of the storage room?';
const REPORT = (index: number): string => `Re: Task ${index}\n${reportText(index)}`;

describe('a ranking for each thing a prompt asks the agent to answer (issue 75)', () => {
  test('one ranking for the words of all the mail loses the question to the long reports; a ranking each finds it first, each as rankMemories ranks for it alone', () => {
    const memories = busyStream();
    const queries = [QUESTION, REPORT(38), REPORT(39)];
    const together = rankMemories(memories, { turn: 60, query: queries.join('\n') });
    expect(ids(together.slice(0, 7).map((entry) => entry.memory))).not.toContain('fact');
    const each = rankForEach(memories, { turn: 60 }, queries.map((query) => bm25(memories, query)));
    expect(each).toHaveLength(3);
    expect(each[0]?.[0]?.memory.id).toBe('fact');
    queries.forEach((query, index) => expect(each[index]).toEqual(rankMemories(memories, { turn: 60, query }, bm25(memories, query))));
  });

  test('merged in rounds: each ranking\'s best before any one\'s second best, each memory once', () => {
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((id, index) => memory(id, index + 1, id));
    const merged = mergeRankings([
      [a!, b!, c!],
      [a!, d!, e!],
      [e!, b!],
    ]);
    // Round 1: a (first's best), d (second's best not taken), e (third's). Round 2: b, then the second's next (e taken) is nothing new, ...
    expect(ids(merged)).toEqual(['a', 'd', 'e', 'b', 'c']);
    expect(ids(mergeRankings([[a!, b!]]))).toEqual(['a', 'b']);
    expect(mergeRankings([])).toEqual([]);
    // A ranking the same as an earlier one counts once: two alike do not take two places of a round (before: a, b, d, c, e).
    expect(ids(mergeRankings([[a!, b!, c!], [a!, b!, c!], [d!, e!]]))).toEqual(['a', 'd', 'b', 'e', 'c']);
  });

  test('at most MAX_FOCAL_POINTS rankings, the rest joined into the last; none is one empty query', () => {
    expect(focalPoints([])).toEqual(['']);
    const many = Array.from({ length: MAX_FOCAL_POINTS + 3 }, (_, index) => `item ${index}`);
    const points = focalPoints(many);
    expect(points).toHaveLength(MAX_FOCAL_POINTS);
    expect(points.at(-1)).toBe([`item ${MAX_FOCAL_POINTS - 1}`, ...many.slice(MAX_FOCAL_POINTS)].join('\n'));
  });

  test("in the memory layer: the question beside two long reports recalls the fact within the budget, and a single long report's words do not crowd it out", () => {
    const root = tempDir();
    writeMemories(root, 'manager', busyStream());
    const settings: AgentMemory = { budgetTokens: 300, reflect: { every: 0, importance: 0 }, weights: { recency: 0.5, relevance: 3, importance: 2 } };
    const recalled = recallFor(root, 'manager', settings, 60, [QUESTION, REPORT(38), REPORT(39)]);
    // The first three candidates are each item's best: the question's is the fact.
    expect(recalled.memories[0]?.id).toBe('fact');
    const together = recallFor(root, 'manager', settings, 60, [[QUESTION, REPORT(38), REPORT(39)].join('\n')]);
    expect(ids(together.memories.slice(0, 3))).not.toContain('fact');
  });
});

describe("the queries' vectors, one a thing to answer", () => {
  const settings: AgentMemory = { budgetTokens: 800, reflect: { every: 0, importance: 0 }, weights: { recency: 0.5, relevance: 3, importance: 2 }, embeddings: { modelKey: 'embedder', model: 'toy' } };
  /** Each text's vector: its length in characters and its first letter's code, so each is told apart. */
  const embedder = (sent: string[][]): Embedder => async (texts) => {
    sent.push([...texts]);
    return { vectors: texts.map((text) => [text.length, text.charCodeAt(0) || 1, 1]), inputTokens: texts.length };
  };

  test('embedded in one request with the new memories, kept for the turn, read back for each query; a query asked again is not sent again', async () => {
    const root = tempDir();
    writeMemories(root, 'manager', [memory('000001-001', 1, 'The storage room code is 4417-K.'), memory('000002-001', 2, 'Shelf two was tidied.')]);
    const sent: string[][] = [];
    const first = await embedRecall(root, 'manager', 3, ['What is the storage code?', 'Re: shelves'], 'toy', embedder(sent));
    expect(sent).toEqual([['What is the storage code?', 'Re: shelves', 'The storage room code is 4417-K.', 'Shelf two was tidied.']]);
    expect(first.queries.map((vector) => vector?.[0])).toEqual([25, 11]);
    expect(readQueryVectors(root, 'manager', 3, ['Re: shelves', 'What is the storage code?', 'Another'], 'toy').map((vector) => vector?.[0])).toEqual([11, 25, undefined]);
    // Planned again after a crash: the kept vectors are read back, nothing asked; a new item alone is asked.
    const again = await embedRecall(root, 'manager', 3, ['What is the storage code?', 'Re: shelves'], 'toy', embedder(sent));
    expect(sent).toHaveLength(1);
    expect(again.inputTokens).toBe(0);
    await embedRecall(root, 'manager', 3, ['What is the storage code?', 'Re: shelves', 'A third thing'], 'toy', embedder(sent));
    expect(sent.at(-1)).toEqual(['A third thing']);
    // A recovered call ranks with the kept vectors, without a server: the same memories as with them given.
    const given = recallFor(root, 'manager', settings, 3, ['What is the storage code?', 'Re: shelves'], first).memories;
    expect(ids(recallFor(root, 'manager', settings, 3, ['What is the storage code?', 'Re: shelves']).memories)).toEqual(ids(given));
  });

  test("a kept query's vector hand-edited to another length than the memories' is asked for again and kept again, charged; never ranked with", async () => {
    const root = tempDir();
    writeMemories(root, 'manager', [memory('000001-001', 1, 'The storage room code is 4417-K.'), memory('000002-001', 2, 'Shelf two was tidied.')]);
    const sent: string[][] = [];
    await embedRecall(root, 'manager', 3, ['What is the storage code?', 'Re: shelves'], 'toy', embedder(sent));
    const file = queryVectorFile(root, 'manager');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { model: string; vectors: Array<{ hash: string; vector: number[] }> };
    // Five numbers, each keeping the vector's rule: only the memories' length (three) tells it is not this model's.
    stored.vectors[0]!.vector = [1, 2, 3, 4, 5];
    writeFileSync(file, JSON.stringify(stored));
    // The turn planned again after a crash.
    const again = await embedRecall(root, 'manager', 3, ['What is the storage code?', 'Re: shelves'], 'toy', embedder(sent));
    // Before: taken as kept (nothing asked, nothing charged), and ranked with, where its cosine with every memory is 0.
    expect(sent.at(-1)).toEqual(['What is the storage code?']);
    expect(again.inputTokens).toBe(1);
    expect(again.queries.map((vector) => vector?.length)).toEqual([3, 3]);
    expect(readQueryVectors(root, 'manager', 3, ['What is the storage code?', 'Re: shelves'], 'toy').map((vector) => vector?.length)).toEqual([3, 3]);
  });

  test('a kept file whose vector breaks the rule is not ranked with, the others are; a file of the older shape (one query) is read', () => {
    const root = tempDir();
    writeMemories(root, 'manager', [memory('000001-001', 1, 'x')]);
    const file = queryVectorFile(root, 'manager');
    return embedRecall(root, 'manager', 4, ['one', 'two'], 'toy', embedder([])).then(() => {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { model: string; vectors: Array<{ hash: string; vector: unknown }> };
      expect(stored.vectors).toHaveLength(2);
      stored.vectors[0]!.vector = ['NaN'];
      writeFileSync(file, JSON.stringify(stored));
      expect(readQueryVectors(root, 'manager', 4, ['one', 'two'], 'toy').map((vector) => vector !== undefined)).toEqual([false, true]);
      writeFileSync(file, JSON.stringify({ model: 'toy', hash: stored.vectors[1]!.hash, vector: stored.vectors[1]!.vector }));
      expect(readQueryVectors(root, 'manager', 4, ['one', 'two'], 'toy').map((vector) => vector !== undefined)).toEqual([false, true]);
    });
  });
});
