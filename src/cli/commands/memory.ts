import { stateTurn } from '../../engine/record/state-store.js';
import { statePaths } from '../../engine/record/state-paths.js';
import { searchMemories, type FoundMemory } from '../../memory/search-memories.js';
import { formatCount } from '../../format/format.js';
import { requireAgent } from '../../org/must-exist.js';
import { requireOwnFolders } from '../../org/own-folders.js';
import { orgForReading } from '../org-for-reading.js';
import type { Output } from '../cli-context.js';

/** The flags of `lemming memory`. */
export interface MemoryOptions {
  limit?: number;
  json?: boolean;
}

/** One memory as a line: turn, id, kind and importance (and its score, when searched for), then its text on one line. */
function memoryLine(memory: FoundMemory): string {
  const score = memory.score === undefined ? '' : `, score ${memory.score.toFixed(2)}`;
  const text = memory.text.replace(/\s+/g, ' ');
  return `[turn ${memory.turn}] ${memory.id} ${memory.kind}, importance ${memory.importance}${score}: ${text.length > 300 ? `${text.slice(0, 299)}…` : text}`;
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${formatCount(count)} ${count === 1 ? word : words}`;
}

function memories(count: number): string {
  return plural(count, 'memory', 'memories');
}

/** `vault is`, `vault and code are each`, `a, b and c are each`. */
function commonWords(words: readonly string[]): string {
  if (words.length === 1) return `${words[0]} is`;
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]} are each`;
}

/**
 * `lemming memory <agent> [query]`: the agent's memory stream, newest first; with a query, the
 * memories that bear on it, ranked as its next prompt would rank them. Exit 1 when a query matches
 * nothing. Throws LemmingError for an agent the org does not have.
 */
export function memoryCommand(root: string, agent: string, query: string | undefined, options: MemoryOptions, output: Output): number {
  const { org } = orgForReading(root, output);
  requireAgent(org, agent);
  // A stream linked out of the org, or into another agent's folder, is refused naming it, as a run refuses it.
  requireOwnFolders(root, agent);
  const turn = stateTurn(statePaths(root).state) + 1;
  const settings = org.agents.get(agent)?.memory;
  const weights = settings?.weights;
  const found = searchMemories(root, agent, { turn, ...(query !== undefined ? { query } : {}), ...(weights ? { weights } : {}), ...(settings ? { budgetTokens: settings.budgetTokens } : {}), limit: options.limit ?? 20 });
  if (options.json) {
    output.out(JSON.stringify(found, null, 2));
    return found.query !== undefined && found.memories.length === 0 ? 1 : 0;
  }
  const kinds = Object.entries(found.kinds)
    .sort()
    .map(([kind, count]) => plural(count, kind))
    .join(', ');
  const where = `agents/${agent}/memory/stream`;
  // A stream larger than a turn reads (stream-walk.ts): the count is of the newest, those read, and says so.
  const has = found.left_out === undefined ? `has ${memories(found.total)}` : `has ${memories(found.total)} read`;
  const larger = found.left_out === undefined ? '' : ', the newest of a stream that holds more than a turn reads';
  if (found.total === 0) output.out(`${agent} has no memories (${where}${org.agents.get(agent)?.memory ? '' : "; it keeps none: org.yaml `memory: { keep: true }` or its resume's `memory: on` starts a stream"})`);
  else if (found.query === undefined) output.out(`${agent} ${has} (${kinds})${found.left_out === undefined ? ` in ${where}` : `, the newest of ${where}, which holds more than a turn reads`}; newest first:`);
  else if (found.memories.length === 0 && found.common_words !== undefined) output.out(`${agent} ${has}${larger}; ${JSON.stringify(found.query)} tells none of them apart: ${commonWords(found.common_words)} in more than half of them, so a prompt leaves ${found.common_words.length === 1 ? 'it' : 'them'} out of its ranking; a rarer word finds what you look for`);
  else if (found.memories.length === 0) output.out(`${agent} ${has}${larger}; none shares a word with ${JSON.stringify(found.query)}`);
  else output.out(`${agent} ${has}${larger}; those that bear on ${JSON.stringify(found.query)}, best first, as its prompt in turn ${turn} would rank them:`);
  for (const memory of found.memories) output.out(memoryLine(memory));
  const shownAll = found.query === undefined ? found.total : undefined;
  if (shownAll !== undefined && shownAll > found.memories.length) output.out(`${formatCount(found.memories.length)} of ${formatCount(found.total)} shown; --limit shows more`);
  for (const problem of found.problems) output.err(`${problem.file} cannot be read: ${problem.error}`);
  if (found.left_out !== undefined) output.err(found.left_out);
  if (found.not_yet !== undefined) output.err(found.not_yet.text);
  if (found.too_long !== undefined) output.err(found.too_long.text);
  return found.query !== undefined && found.memories.length === 0 ? 1 : 0;
}
