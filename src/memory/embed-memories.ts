import type { Memory } from './memory-file.js';
import type { Embedder } from '../providers/embedding-gate.js';
import { damagedUnsaid, readKept, writeVector, type DamagedVectors } from './memory-vectors.js';
import { keptLength, vectorProblem } from './vector-rule.js';

/** What an agent's memories and the queries of its retrieval were embedded into, and what it took. */
export interface EmbeddedRecall {
  /** Each query's vector, in the order of the queries; undefined for one whose vector broke the vector's rule (its words alone rank this turn). */
  queries: ReadonlyArray<number[] | undefined>;
  /** Each memory's vector, where it has one (by id: a memory read again after an edit in place has none until the next turn embeds it). */
  vectorOf(memory: Memory): readonly number[] | undefined;
  /** Memories sent to the server this time: new ones, and those whose text changed since their vector was made. */
  embedded: number;
  /** Of those, the memories whose kept vector another model made (org.yaml named it then), and those models' names. */
  remade?: { memories: number; models: string[] };
  /** Kept vector files lemming could not use (memory-vectors.ts, readKept), their memories embedded again, not said before in this command (damagedUnsaid). */
  damaged?: DamagedVectors;
  /** Input tokens the server counted (as the embedding gate admitted them), the queries' included: what the agent is charged at the embedding model's input price. */
  inputTokens: number;
  /** The server gave no count, and lemming's estimate of the texts stands in. */
  estimated?: true;
  /** What the embedding gate did not take as it came, a sentence a change. */
  clamped?: string[];
  /** Why the model's vectors were not kept, where some were not: the queries' (how many, and the first reason), and the memories' (each refused once, kept as refused). */
  refused?: { queries: number; query?: string; memories: number; problem?: string; /** A length the answer gave, each vector otherwise keeping the rule, where the kept vectors hold `length`: perhaps another model, or size, under the same name. */ otherLength?: { given: number; kept: number } };
}

/**
 * Embed what an agent's retrieval needs: its queries (one a thing its prompt asks it to answer) and
 * each memory that has no vector kept for `model` or whose text changed since (memory-vectors.ts), in
 * one batched request, the new vectors kept beside the stream; the rest read back from their files. A
 * memory's vector is asked for once while its text stays the same, so a turn pays for its new memories
 * and its queries, not for the stream; a query whose vector is kept for the turn (`kept`: planned again
 * after a crash) is not asked again, unless its length is not the memories' (then it is, and kept anew).
 * Each vector the server gives passes the vector's rule (vector-rule.ts) before it is written or ranked
 * with, its length held to the one the model gave before (most kept memories', else a kept query's, else the
 * first the answer holds that keeps the rule; a kept vector of another length is made again): a memory whose vector is refused is kept as refused, ranked
 * by its words and not asked again while its text stays the same; a query refused ranks this turn by words.
 */
export async function embedForRecall(root: string, agent: string, memories: readonly Memory[], queries: readonly string[], model: string, embed: Embedder, kept: ReadonlyArray<number[] | undefined> = []): Promise<EmbeddedRecall> {
  const vectors = new Map<string, readonly number[]>();
  const missing: Memory[] = [];
  const read = memories.map((memory) => readKept(root, agent, memory, model));
  const held = read.map((each) => each.kept);
  // Vectors another model made (org.yaml names another): those memories are embedded again, and that is said.
  const otherModels = [...new Set(read.flatMap((each) => (each.otherModel === undefined ? [] : [each.otherModel])))];
  const remade = read.filter((each) => each.otherModel !== undefined).length;
  // The length the model gave before is that of most kept vectors: one a person's edit cut short is made again, and sets no length.
  let length = keptLength(held.flatMap((kept) => (kept !== undefined && 'vector' in kept ? [kept.vector.length] : [])));
  memories.forEach((memory, index) => {
    const kept = held[index];
    if (kept === undefined || ('vector' in kept && kept.vector.length !== length)) missing.push(memory);
    else if ('vector' in kept) vectors.set(memory.id, kept.vector);
  });
  const vectorOf = (memory: Memory): readonly number[] | undefined => vectors.get(memory.id);
  // A query's vector kept for the turn is held to the memories' length too: one of another length (a hand-edited file) would rank
  // with a cosine of 0 against every memory, so it is asked for again, as a memory's vector of another length is made again.
  const keptQueries = queries.map((_, index) => {
    const vector = kept[index];
    return vector !== undefined && (length === undefined || vector.length === length) ? vector : undefined;
  });
  const asked = queries.flatMap((_, index) => (keptQueries[index] === undefined ? [index] : []));
  // Every query already embedded for this turn (planned again after a crash) and no memory new: no call is made for nothing.
  if (asked.length === 0 && missing.length === 0) return { queries: keptQueries, vectorOf, embedded: 0, inputTokens: 0 };
  const answer = await embed([...asked.map((index) => queries[index] ?? ''), ...missing.map((memory) => memory.text)]);
  const given = answer.vectors;
  length ??= keptQueries.find((vector) => vector !== undefined)?.length ?? given.map((vector) => (vectorProblem(vector) === undefined ? (vector as unknown[]).length : undefined)).find((each) => each !== undefined);
  const made = [...keptQueries];
  let otherLength: number | undefined;
  // A vector refused for its length alone: the model may now give vectors of that length (another model, or size, under the same name).
  const lengthAlone = (vector: unknown): void => {
    if (vectorProblem(vector) === undefined) otherLength ??= (vector as unknown[]).length;
  };
  let refusedQueries = 0;
  let queryProblem: string | undefined;
  asked.forEach((index, place) => {
    const problem = vectorProblem(given[place], length);
    if (problem === undefined) made[index] = given[place] as number[];
    else {
      refusedQueries += 1;
      queryProblem ??= problem;
      lengthAlone(given[place]);
    }
  });
  let refusedMemories = 0;
  let firstProblem: string | undefined;
  missing.forEach((memory, index) => {
    const vector = given[asked.length + index];
    const problem = vectorProblem(vector, length);
    if (problem === undefined) {
      writeVector(root, agent, memory, model, { vector: vector as number[] });
      vectors.set(memory.id, vector as number[]);
      return;
    }
    writeVector(root, agent, memory, model, { refused: problem });
    refusedMemories += 1;
    firstProblem ??= problem;
    lengthAlone(vector);
  });
  // Files a person's edit or a torn copy damaged (readKept): those memories are embedded again, as for a missing file, and that is said once.
  const damaged = damagedUnsaid(root, agent);
  const refused = refusedQueries > 0 || refusedMemories > 0 ? { queries: refusedQueries, ...(queryProblem !== undefined ? { query: queryProblem } : {}), memories: refusedMemories, ...(firstProblem !== undefined ? { problem: firstProblem } : {}), ...(otherLength !== undefined && length !== undefined ? { otherLength: { given: otherLength, kept: length } } : {}) } : undefined;
  return {
    queries: made,
    vectorOf,
    embedded: missing.length,
    ...(remade > 0 ? { remade: { memories: remade, models: otherModels } } : {}),
    ...(damaged ? { damaged } : {}),
    inputTokens: answer.inputTokens,
    ...(answer.estimated ? { estimated: true as const } : {}),
    ...(answer.clamped ? { clamped: answer.clamped } : {}),
    ...(refused ? { refused } : {}),
  };
}
