import type { RecalledMarkup } from '../../mailbox/prompt-markup.js';
import { shorten, words } from './compose.js';

/** Words a question opens with or leans on, which say nothing of what it asks about. */
const QUESTION_WORDS = new Set('what whats who whos whom whose which when where why how does did was were tell know about there here again remind still'.split(' '));

/** The most memories an answer quotes, and the most characters of each. */
const QUOTED = 4;
const QUOTED_CHARS = 400;

/**
 * What the offline model recalls for a question, from the memories its prompt holds (the engine
 * retrieved them; it reads them as a person reads notes): those that share the most of the
 * question's own words, in the order the prompt gives them, as lines of an answer. Nothing when none
 * shares a word, so an agent without memories answers as it always did. Pure.
 */
export function recalledLines(recalled: readonly RecalledMarkup[], question: string): string[] {
  const asked = [...words(question)].filter((word) => !QUESTION_WORDS.has(word));
  if (asked.length === 0 || recalled.length === 0) return [];
  const scored = recalled
    .map((memory, order) => {
      const held = words(memory.text);
      return { memory, order, shared: asked.filter((word) => held.has(word)).length };
    })
    .filter((entry) => entry.shared > 0)
    .sort((left, right) => right.shared - left.shared || left.order - right.order);
  const best = scored[0]?.shared ?? 0;
  // All that match best, up to QUOTED; with fewer than two of those, the next best fill in.
  const chosen = scored.filter((entry) => entry.shared === best).slice(0, QUOTED);
  if (chosen.length < 2) chosen.push(...scored.filter((entry) => entry.shared < best).slice(0, 2 - chosen.length));
  if (chosen.length === 0) return [];
  return ['From my memory:', ...chosen.map(({ memory }) => `- turn ${memory.turn}: ${shorten(memory.text.replace(/\s+/g, ' '), QUOTED_CHARS)}`)];
}
