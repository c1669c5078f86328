import { FOCAL_REQUEST_ELEMENT, parseRecalledMarkup, type RecalledMarkup } from '../../mailbox/prompt-markup.js';
import { words } from './compose.js';

/** Words of the engine's own phrasing of memories, which say nothing of what they are about. */
const PHRASING = new Set('wrote told subject kept note used tools please failed done'.split(' '));

/**
 * The offline model's focal questions (memory/focal-questions.ts asks for them): from the memories its
 * prompt shows, and nothing else, as many as asked (at most three kinds): what it knows of the words
 * that keep coming back, the most first, and what the one it hears from most wants. Each question
 * holds the words it is about, so the stream's search for it finds what bears on it (earlier
 * reflections among them). Same memories, same questions. Pure.
 */
export function composeFocalQuestions(content: string): string {
  const memories = parseRecalledMarkup(content);
  const asked = Number(new RegExp(`<${FOCAL_REQUEST_ELEMENT} questions="(\\d+)"`).exec(content)?.[1] ?? 3);
  if (memories.length === 0 || asked <= 0) return '';
  const questions: string[] = [];
  const holding = new Map<string, number>();
  const senders = new Map<string, number>();
  for (const memory of memories) {
    const sender = /^([a-z][a-z0-9_-]*) (wrote to|told) me\b/.exec(memory.text)?.[1];
    if (sender) senders.set(sender, (senders.get(sender) ?? 0) + 1);
    for (const word of words(memory.text)) {
      if (PHRASING.has(word) || word === sender || /^\d+$/.test(word)) continue;
      holding.set(word, (holding.get(word) ?? 0) + 1);
    }
  }
  const byCount = (left: [string, number], right: [string, number]): number => right[1] - left[1] || (left[0] < right[0] ? -1 : 1);
  const topics = [...holding].filter(([, count]) => count >= 2).sort(byCount);
  const [sender] = [...senders].sort(byCount)[0] ?? [];
  for (const [topic] of topics.slice(0, 2)) questions.push(`- What do I know about ${topic}?`);
  if (sender) questions.push(`- What does ${sender} need from me?`);
  if (questions.length === 0) questions.push(`- What matters most in ${weightiest(memories)}?`);
  return questions.slice(0, asked).join('\n');
}

/** The words of the most important memory, for a question when nothing comes back. */
function weightiest(memories: readonly RecalledMarkup[]): string {
  const memory = [...memories].sort((left, right) => right.importance - left.importance || right.turn - left.turn)[0];
  return [...words(memory?.text ?? '')].slice(0, 6).join(' ') || 'my work';
}
