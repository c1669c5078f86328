/**
 * What the engine asks of the memory layer: the memories to show a call, the memories of a turn
 * to write, whether an agent reflects and on what. Loaded only by a turn of an org in which some agent
 * keeps a memory stream (engine/turn/run-turn.ts), so an org without one loads none of it.
 */
import { join } from 'node:path';
import type { AgentMemory } from '../org/org.js';
import { MEMORY_TEXT_CHARS, type Memory } from './memory-file.js';
import type { MeetingHeard, Speech } from '../meetings/meeting-transcript.js';
import { StreamIndex } from './memory-index.js';
import { streamLeftOutText } from './stream-walk.js';
import { streamFolderName } from './memory-paths.js';
import { rankForEach, rankMemories } from './rank-memories.js';
import { mergeRankings } from './merge-rankings.js';
import { focalPoints } from './focal-points.js';
import { ELEMENT_TOKENS, memoryTokens, tooLongText, tooLongToShow, tooLongUnsaid } from './memory-cost.js';
import { memoriesToReflectOn, reflectionDue } from './reflection.js';
import { turnMemories, type TurnEvents } from './turn-memories.js';
import { removeTurnMemories, writeMemories, writeRecalled } from './memory-stream.js';
import { combinedRelevance } from './cosine-relevance.js';
import { keepWithinCeiling, type Ceiling } from './memory-ceiling.js';
import { embedForRecall, type EmbeddedRecall } from './embed-memories.js';
import type { Embedder } from '../providers/embedding-gate.js';
import { damagedUnsaid, readQueryVectors, readVector, writeQueryVectors } from './memory-vectors.js';
import { focalGroups, type FocalGroup } from './focal-questions.js';

export { parseInsights, reflectionPrompt } from './reflection.js';
export { focalInsightsPrompt, focalQuestionsPrompt, parseFocalQuestions, type FocalGroup } from './focal-questions.js';
export { applyRatings, memoriesToRate, rateStream, type RatingAnswer } from './rate-stream.js';
export { importancePrompt } from './model-importance.js';
export { removeTurnMemories };
export type { Memory, TurnEvents };

/** The memories retrieved for one call, best first, for the prompt builder to fit into the budget. */
export interface Recall {
  /** Ranked candidates: more than the budget holds, so the builder can fill it. */
  memories: Memory[];
  /** How many memories the agent had before this turn. */
  total: number;
  budgetTokens: number;
  /** When the agent reflects this turn (reflection.ts): the memories it reflects on, decided with the retrieval from the same stream. */
  reflectOn?: Memory[];
  /** The stream is larger than a turn reads: what was left out, said once a process (a warning of the turn). */
  leftOut?: string;
  /** Memories longer than the whole budget, which no prompt shows: said once a process for each file (a warning of the turn). */
  tooLong?: string;
  /**
   * Kept vector files found damaged and not said yet (memory-vectors.ts, damagedUnsaid), their memories ranked by their words this turn
   * (its embedding call failed, or it was recovered from its kept vectors): the first file, and the warning of the turn.
   */
  damaged?: { file: string; message: string };
}

/** Candidates handed to the prompt builder: enough to fill any budget of rendered memories this many times over. */
const CANDIDATE_BUDGETS = 3;

/**
 * The memories an agent's call in `turn` is shown, retrieved for each of `texts` (what it must answer:
 * each item of mail it is shown, a meeting's agenda and speeches, a scheduled check-in's task;
 * focal-points.ts) by recency, importance and relevance (rank-memories.ts, weighed by its settings),
 * from its stream as it was before the turn, recency counted from what earlier turns recalled: one
 * ranking for each, merged so each one's best comes before any one's second best (merge-rankings.ts).
 * Those about to be shown are checked against their files (one edited in place is read again, and
 * the rankings made again).
 */
export function recallFor(root: string, agent: string, settings: AgentMemory, turn: number, texts: readonly string[], given?: EmbeddedRecall): Recall {
  const index = StreamIndex.of(root, agent).refresh();
  const queries = focalPoints(texts);
  // Vectors made while the turn was planned, or else those it kept (a call prepared again after a crash ranks as planned, asking no server).
  const embedded = given ?? (settings.embeddings ? keptRecall(root, agent, turn, queries, settings.embeddings.model) : undefined);
  /**
   * The best first, enough to fill the budget this many times over. One longer than the whole budget (a person's pasted report) no prompt
   * can show: it is passed over, as the prompt passes it over, and takes no room from those after it (before, ranked first, it was the only one).
   */
  const best = (ranked: readonly Memory[], budgets: number): Memory[] => {
    const chosen: Memory[] = [];
    let tokens = 0;
    for (const memory of ranked) {
      if (tokens > settings.budgetTokens * budgets) break;
      if (tooLongToShow(memory, settings.budgetTokens)) continue;
      chosen.push(memory);
      tokens += memoryTokens(memory);
    }
    return chosen;
  };
  // Recency counts from each memory's last access before this turn (memory-access.ts): a turn finished after a crash ranks as planned.
  const lastAccess = index.accesses.lastAccessBefore(turn);
  // With a query's vector (embedRecall), its relevance is the words' and the meaning's, each scaled, averaged (cosine-relevance.ts); without, the words' alone.
  const relevanceOf = (query: string, vector: readonly number[] | undefined): ((memory: Memory) => number) => {
    const words = index.relevance(query);
    if (!embedded || vector === undefined) return words;
    return combinedRelevance(index.memories().filter((memory) => memory.turn < turn), words, vector, embedded.vectorOf);
  };
  // Each ranking's best, as many as the merged list could take of it: a budget's worth for each item, and as many again that others took first.
  const enough = 2 * (Math.ceil((settings.budgetTokens * CANDIDATE_BUDGETS) / ELEMENT_TOKENS) + 1);
  const rank = (): Memory[] => {
    const rankings = rankForEach(index.memories(), { turn, weights: settings.weights, lastAccess }, queries.map((query, place) => relevanceOf(query, embedded?.queries[place])), enough);
    return best(mergeRankings(rankings.map((ranking) => ranking.map((entry) => entry.memory))), CANDIDATE_BUDGETS);
  };
  let memories = rank();
  // Those likely to be shown (the first budget's worth) are checked against their files.
  if (index.recheck(best(memories, 1))) memories = rank();
  const all = index.memories();
  const total = all.filter((memory) => memory.turn < turn).length;
  // Whether it reflects after its answer is decided here, from the same stream: its call need not read the stream again.
  const reflectOn = reflectionDue(all, turn, settings.reflect) ? memoriesToReflectOn(all, turn) : [];
  const left = index.leftOutUnsaid();
  const folder = streamFolderName(agent);
  const long = tooLongUnsaid(join(root, folder), all, (memory) => index.fileOf(memory), turn, settings.budgetTokens).map((memory) => ({ ...memory, file: `${folder}/${memory.file}` }));
  const damaged = settings.embeddings ? damagedUnsaid(root, agent) : undefined;
  const embedder = settings.embeddings ? `the embedding model ${settings.embeddings.modelKey} (${settings.embeddings.model})` : '';
  return {
    memories,
    total,
    budgetTokens: settings.budgetTokens,
    ...(reflectOn.length > 0 ? { reflectOn } : {}),
    ...(left ? { leftOut: streamLeftOutText(folder, left) } : {}),
    ...(long.length > 0 ? { tooLong: tooLongText(long, settings.budgetTokens) } : {}),
    ...(damaged ? { damaged: { file: damaged.file, message: `${agent}: ${damaged.said}; ${damaged.files === 1 ? 'its memory is' : 'their memories are'} ranked by ${damaged.files === 1 ? 'its' : 'their'} words alone this turn, and embedded again by ${embedder} when it next answers, charged with that turn` } } : {}),
  };
}

/**
 * What each focal question of an agent's reflection in `turn` retrieves (focal-questions.ts): its
 * memories from before the turn, reflections among them, ranked for the question's words as a prompt
 * ranks for its mail (recency since last recalled, importance, relevance, the agent's weights). Not
 * recorded as recalled, as a reflection's memories are not.
 */
export function recallForQuestions(root: string, agent: string, settings: AgentMemory, turn: number, questions: readonly string[]): FocalGroup[] {
  const index = StreamIndex.of(root, agent).refresh();
  const lastAccess = index.accesses.lastAccessBefore(turn);
  return focalGroups(questions, (question) => {
    return rankMemories(index.memories(), { turn, query: question, weights: settings.weights, lastAccess }, index.relevance(question)).map((entry) => entry.memory);
  });
}

/** Keep the stream indexes of this process for the next (memory-index.ts, keepAll): its first turn then lists no stream whose folder did not change. */
export function keepIndexes(): void {
  StreamIndex.keepAll();
}

/**
 * The vectors an agent's retrieval in `turn` ranks with, where its org names an embedding model: its
 * stream's memories from before the turn (those without a vector kept for `model`, or whose text
 * changed, sent to the server) and a query for each of `texts` (focal-points.ts), kept for the turn.
 * The caller charges `inputTokens` at the model's price.
 */
export async function embedRecall(root: string, agent: string, turn: number, texts: readonly string[], model: string, embed: Embedder): Promise<EmbeddedRecall> {
  const memories = StreamIndex.of(root, agent).refresh().memories().filter((memory) => memory.turn < turn);
  const queries = focalPoints(texts);
  const kept = readQueryVectors(root, agent, turn, queries, model);
  const embedded = await embedForRecall(root, agent, memories, queries, model, embed, kept);
  // Written when a query's vector was made now: a new one, or one asked again for its kept one broke the length (embed-memories.ts).
  if (embedded.queries.some((vector, place) => vector !== undefined && vector !== kept[place])) writeQueryVectors(root, agent, turn, queries, model, embedded.queries);
  return embedded;
}

/** The vectors a turn's retrieval was planned with, read back from their files; undefined when none of its queries' was kept (their embedding failed: the words alone rank). */
function keptRecall(root: string, agent: string, turn: number, queries: readonly string[], model: string): EmbeddedRecall | undefined {
  const vectors = readQueryVectors(root, agent, turn, queries, model);
  if (vectors.every((vector) => vector === undefined)) return undefined;
  const read = new Map<string, readonly number[] | undefined>();
  const vectorOf = (memory: Memory): readonly number[] | undefined => {
    if (!read.has(memory.id)) {
      const kept = readVector(root, agent, memory, model);
      read.set(memory.id, kept && 'vector' in kept ? kept.vector : undefined);
    }
    return read.get(memory.id);
  };
  return { queries: vectors, vectorOf, embedded: 0, inputTokens: 0 };
}

/**
 * What an attendee keeps of a meeting for its memories (turn-memories.ts): the meeting, its transcript,
 * and each speech cut to what a memory keeps of a text, so the journal holds no more of it with each
 * attendee's answer. Pure.
 */
export function heardInMeeting(meeting: Pick<MeetingHeard, 'name' | 'agenda'>, file: string, speeches: readonly Speech[]): MeetingHeard {
  const kept = speeches.map((speech) => (speech.text !== undefined && speech.text.length > MEMORY_TEXT_CHARS ? { ...speech, text: speech.text.slice(0, MEMORY_TEXT_CHARS) } : speech));
  return { name: meeting.name, agenda: meeting.agenda, file, speeches: kept };
}

/**
 * Write the memories of what an agent saw and did in a turn (turn-memories.ts), and which memories its
 * prompt recalled (memory-access.ts); the file names written.
 */
export function writeTurnMemories(root: string, events: TurnEvents, ceiling?: Ceiling): string[] {
  const written = writeMemories(root, events.agent, turnMemories(events));
  // Within its ceiling (org.yaml memory.max_memories, max_bytes): the oldest observations consolidated, in the same application of the turn.
  if (ceiling && (ceiling.memories !== undefined || ceiling.bytes !== undefined)) keepWithinCeiling(root, events.agent, events.turn, ceiling);
  const recalled = writeRecalled(root, events.agent, events.turn, events.recalled ?? []);
  return recalled === undefined ? written : [...written, recalled];
}
