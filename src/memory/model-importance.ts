/**
 * Importance asked of the agent's model (org.yaml `memory.importance: model`), as Park et al.'s agents
 * ask it: how poignant a memory is, 1 to 10. Theirs ask once per memory; here the memories of a turn
 * not yet rated are asked in one call, each answered on its own line, so a busy turn costs one small
 * call and not five. A memory the model does not rate (a line missing, a number out of range, a
 * failed call) keeps the rule's importance (importance.ts): the rule is the fallback and what an
 * offline org uses. A rating is kept in the memory's front matter (`rated: <model>`), so it is asked
 * once: a replay, a fork or a later turn reads it from the file. Pure but for the call it is handed.
 */
import type { Memory } from './memory-file.js';

/** The most memories rated in one call: a turn's worth; more wait for the next. */
export const RATED_PER_CALL = 40;
/** The most characters of a memory's text shown for rating. */
const SHOWN_CHARS = 400;

/** The question asked: Park et al.'s wording (their poignancy prompt), one line per memory to rate. Pure. */
export function importancePrompt(memories: readonly Pick<Memory, 'id' | 'text'>[]): string {
  const lines = memories.map((memory) => `${memory.id}: ${memory.text.slice(0, SHOWN_CHARS).replace(/\s+/g, ' ')}`);
  return [
    'On the scale of 1 to 10, where 1 is purely mundane (e.g., brushing teeth, making bed) and 10 is extremely poignant (e.g., a break up, college acceptance), rate the likely poignancy of each of the following memories of yours.',
    'Answer with one line per memory, its id, a colon and the number alone, like "000012-003: 4", and nothing else.',
    '',
    ...lines,
  ].join('\n');
}

/** The ratings an answer gives, by id: only ids that were asked, only whole numbers from 1 to 10, the first line for an id kept. Pure. */
export function parseRatings(answer: string, asked: readonly string[]): Map<string, number> {
  const wanted = new Set(asked);
  const ratings = new Map<string, number>();
  for (const line of answer.split('\n')) {
    const match = /^\s*[-*]?\s*`?([\w.-]+)`?\s*[:=-]\s*(\d{1,2})\b/.exec(line);
    if (!match) continue;
    const [, id = '', value = ''] = match;
    const rating = Number(value);
    if (!wanted.has(id) || ratings.has(id) || rating < 1 || rating > 10) continue;
    ratings.set(id, rating);
  }
  return ratings;
}

/** What a rating call needs: ask the model (the caller charges its answer) and get its text. */
export type AskForRatings = (prompt: string) => Promise<string>;

/**
 * The memories with the model's importance where it gave one (`rated` set to `model`), the rule's
 * where it did not; those already rated are not asked again. A call that fails leaves every memory as
 * it was, and says why.
 */
export async function rateImportance(memories: readonly Memory[], model: string, ask: AskForRatings): Promise<{ memories: Memory[]; asked: number; error?: string }> {
  const unrated = memories.filter((memory) => memory.rated === undefined).slice(0, RATED_PER_CALL);
  if (unrated.length === 0) return { memories: [...memories], asked: 0 };
  let answer: string;
  try {
    answer = await ask(importancePrompt(unrated));
  } catch (error) {
    return { memories: [...memories], asked: unrated.length, error: error instanceof Error ? error.message : String(error) };
  }
  const ratings = parseRatings(answer, unrated.map((memory) => memory.id));
  return {
    asked: unrated.length,
    memories: memories.map((memory) => {
      const rating = ratings.get(memory.id);
      return rating === undefined || memory.rated !== undefined ? memory : { ...memory, importance: rating, rated: model };
    }),
  };
}
