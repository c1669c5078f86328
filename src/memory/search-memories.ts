import type { Memory } from './memory-file.js';
import { StreamIndex } from './memory-index.js';
import { streamLeftOutText } from './stream-walk.js';
import { streamFolderName } from './memory-paths.js';
import { rankMemories, type RankingWeights } from './rank-memories.js';
import { tooLongText, tooLongToShow } from './memory-cost.js';

/** One memory as `lemming memory` shows it: where it is, and with a query, how it ranks. */
export interface FoundMemory extends Memory {
  /** Its file, relative to the org root. */
  file: string;
  /** With a query: its score for a prompt of the next turn, and the three parts of it (rank-memories.ts). */
  score?: number;
  recency?: number;
  importance_part?: number;
  relevance?: number;
}

/** An agent's memories as `lemming memory` reads them. */
export interface MemorySearch {
  agent: string;
  /** Every memory its stream holds; of a stream larger than a turn reads (`left_out`), the newest, those read. */
  total: number;
  /** How many of each kind. */
  kinds: Record<string, number>;
  query?: string;
  /** Newest first; with a query, those that bear on it, best first, as the next turn's prompt would rank them. */
  memories: FoundMemory[];
  /** Files of the stream that cannot be read, and why. */
  problems: Array<{ file: string; error: string }>;
  /** With a query: its words more than half the memories hold, which a prompt's ranking leaves out (memory-index.ts, queryTerms). */
  common_words?: string[];
  /** The stream is larger than a turn reads (stream-walk.ts, MAX_STREAM_FILES and MAX_STREAM_BYTES): which older files are left out. */
  left_out?: string;
  /** Memories of the turn ranked for or later (a turn in a hand-written file): no prompt recalls them before the turn after theirs, so no search ranks them. */
  not_yet?: { files: string[]; text: string };
  /** Memories longer than the agent's whole memory budget (a person's file): no prompt shows them, though a search ranks them. */
  too_long?: { files: string[]; text: string };
}

/**
 * Read an agent's memory stream (`agents/<name>/memory/stream/`) through the index the prompts use,
 * brought up to date first: every memory newest first, or with a query those that share a word with
 * it, ranked as a prompt of `turn` would rank them (recency since last recalled, importance, relevance,
 * with the agent's weights). At most `limit`.
 */
export function searchMemories(root: string, agent: string, options: { turn: number; query?: string; limit: number; weights?: Readonly<RankingWeights>; budgetTokens?: number }): MemorySearch {
  const index = StreamIndex.of(root, agent);
  // A person may have edited files in place since this process last looked: every stamp is checked.
  index.forget();
  index.refresh();
  const all = index.memories();
  const kinds: Record<string, number> = {};
  for (const memory of all) kinds[memory.kind] = (kinds[memory.kind] ?? 0) + 1;
  const folder = streamFolderName(agent);
  const located = (memory: Memory): FoundMemory => ({ ...memory, file: `${folder}/${index.fileOf(memory) ?? `${memory.id}-${memory.kind}.md`}` });
  const left = index.leftOut();
  // A prompt is built for options.turn and ranks only what came before it (rankMemories): a memory of that turn or later is said.
  const turn = options.turn;
  const later = all.filter((memory) => memory.turn >= turn);
  const budget = options.budgetTokens;
  const long = budget === undefined ? [] : all.filter((memory) => tooLongToShow(memory, budget));
  const base = {
    agent,
    total: all.length,
    kinds,
    problems: index.problems().map((problem) => ({ ...problem, file: `${folder}/${problem.file}` })),
    ...(left ? { left_out: streamLeftOutText(folder, left) } : {}),
    ...(later.length > 0 ? { not_yet: notYet(later.map(located), turn) } : {}),
    ...(long.length > 0 && budget !== undefined ? { too_long: tooLong(long.map(located), budget) } : {}),
  };
  const query = options.query?.trim();
  if (!query) {
    const newest = [...all].sort((left, right) => right.turn - left.turn || (left.id < right.id ? 1 : left.id > right.id ? -1 : 0));
    return { ...base, memories: newest.slice(0, options.limit).map(located) };
  }
  const relevance = index.relevance(query);
  // Those that share a word with the query (their relevance scaled is a half when none does).
  const ranked = rankMemories(all, { turn, query, lastAccess: index.accesses.lastAccessBefore(turn), ...(options.weights ? { weights: options.weights } : {}) }, relevance).filter((entry) => relevance(entry.memory) > 0);
  const common = index.queryTerms(query).common;
  return {
    ...base,
    query,
    ...(common.length > 0 ? { common_words: common } : {}),
    memories: ranked.slice(0, options.limit).map((entry) => ({ ...located(entry.memory), score: round(entry.score), recency: round(entry.recency), importance_part: round(entry.importance), relevance: round(entry.relevance) })),
  };
}

/** What to say of memories whose turn is not before the one ranked for: the first file, how many more, and the turn that would let them be recalled. Pure. */
function notYet(later: readonly FoundMemory[], turn: number): { files: string[]; text: string } {
  const first = later[0] as FoundMemory;
  const more = later.length > 1 ? ` and ${later.length - 1} more` : '';
  const turns = later.map((memory) => memory.turn);
  const low = Math.min(...turns);
  const high = Math.max(...turns);
  const which = later.length === 1 ? `turn ${first.turn} is` : low === high ? `turn ${low} is` : `turns ${low} to ${high} are`;
  const text = `${first.file}${more}: ${which} not before turn ${turn}, the turn a prompt would rank for, so no prompt recalls ${later.length > 1 ? 'them' : 'it'} yet (a memory is recalled from the turn after its own) and a search ranks ${later.length > 1 ? 'them' : 'it'} with none; a memory a person adds is recalled from the next call with a turn before ${turn} (like \`turn: ${turn - 1}\`, or no turn: line, which is 0)`;
  return { files: later.map((memory) => memory.file), text };
}

/** What to say of memories longer than the whole budget: the first file, its size in tokens, how many more, and what would let a prompt show it. Pure. */
function tooLong(long: readonly FoundMemory[], budget: number): { files: string[]; text: string } {
  return { files: long.map((memory) => memory.file), text: tooLongText(long, budget) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
