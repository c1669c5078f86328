import { parseRecalledMarkup, type RecalledMarkup } from '../../mailbox/prompt-markup.js';
import { shorten, words } from './compose.js';

/** Words of the engine's own phrasing of memories, which say nothing of what they are about. */
const PHRASING = new Set('wrote told subject kept note used tools please failed'.split(' '));
/** The most memories one insight cites. */
const CITED = 6;

function cite(memories: readonly RecalledMarkup[]): string {
  return `(because of ${memories.slice(0, CITED).map((memory) => memory.id).join(', ')})`;
}

/**
 * The offline model's reflection (memory/reflection.ts asks for it): from the memories its prompt
 * shows, and nothing else, up to three insights, each citing the memories it rests on: whom it hears
 * from most, the word that keeps coming back, and what mattered most. Same memories, same insights. Pure.
 */
export function composeReflection(content: string): string {
  const memories = parseRecalledMarkup(content);
  if (memories.length === 0) return 'Nothing to reflect on.';
  const lines: string[] = [];

  const bySender = new Map<string, RecalledMarkup[]>();
  for (const memory of memories) {
    const sender = /^([a-z][a-z0-9_-]*) (wrote to|told) me\b/.exec(memory.text)?.[1];
    if (sender) bySender.set(sender, [...(bySender.get(sender) ?? []), memory]);
  }
  const [sender, heard] = [...bySender].sort((left, right) => right[1].length - left[1].length || (left[0] < right[0] ? -1 : 1))[0] ?? [];
  if (sender && heard) lines.push(`- Most of what reaches me comes from ${sender} (${heard.length} of the ${memories.length} memories) ${cite(heard)}`);

  const holding = new Map<string, RecalledMarkup[]>();
  for (const memory of memories) {
    for (const word of words(memory.text)) {
      if (PHRASING.has(word) || word === sender || /^\d+$/.test(word)) continue;
      holding.set(word, [...(holding.get(word) ?? []), memory]);
    }
  }
  const [topic, about] = [...holding].filter(([, held]) => held.length >= 2).sort((left, right) => right[1].length - left[1].length || (left[0] < right[0] ? -1 : 1))[0] ?? [];
  if (topic && about) lines.push(`- "${topic}" keeps coming back (${about.length} memories): it is worth keeping in mind ${cite(about)}`);

  const weightiest = [...memories].sort((left, right) => right.importance - left.importance || right.turn - left.turn)[0];
  if (weightiest) lines.push(`- What mattered most lately: ${shorten(weightiest.text.replace(/\s+/g, ' '), 160)} ${cite([weightiest])}`);
  return lines.join('\n');
}
