import { parseSurveyMarkup, scaleNamed, type SurveyQuestion } from '../../mailbox/survey-markup.js';
import { words } from './compose.js';
import type { PromptView } from './read-prompt.js';
import { recalledLines } from './recall.js';
import { stem } from './route-task.js';
import type { Variation } from './variation.js';

/**
 * The offline model's answer to a survey question, deterministic: a choice is the one whose words
 * its resume, notes and mail use most (ties drawn by the seed, the agent and the question); a number
 * is drawn in the range the question names (0 to 10 when none) by the same seed; free text says who
 * it is and what it last worked on, and quotes the memories its prompt recalled that bear on the
 * question. The same prompt and seed give the same answer, byte for byte.
 */
export function composeSurveyAnswer(view: PromptView, question: SurveyQuestion, variation: Variation): string {
  const context = [view.title, view.instructions, ...view.memory.values(), ...view.inbox.flatMap((item) => [item.subject ?? '', item.body])].join('\n');
  const known = new Set([...words(context)].map(stem));
  const draw = variation.draw('survey', view.self, question.text);
  if (question.choices && question.choices.length > 0) {
    const scored = question.choices.map((choice) => ({ choice, score: [...words(choice)].map(stem).filter((word) => known.has(word)).length }));
    const best = Math.max(...scored.map((item) => item.score));
    const tied = scored.filter((item) => item.score === best);
    const picked = tied[Math.floor(draw * tied.length)] ?? tied[0];
    const why = best > 0 ? `it is what my work, notes and mail are about (${best} matching word(s))` : 'nothing I know points elsewhere';
    return `${picked?.choice ?? ''}\nI am ${view.self} (${view.title}); I chose it because ${why}.`;
  }
  if (question.number) {
    const [low, high] = scaleNamed(question.text) ?? [0, 10];
    const value = low + Math.floor(draw * (high - low + 1));
    return `${value}\nI am ${view.self} (${view.title}); that is my estimate from ${view.inbox.length} recent message(s) and ${view.memory.size} note(s).`;
  }
  const latest = view.inbox.at(-1);
  const work = latest ? `My latest mail is "${latest.subject ?? latest.body.split('\n')[0]}" (turn ${latest.turn}).` : 'I have had no mail yet.';
  // What its prompt recalled for the question, quoted as an answer to mail quotes it.
  const remembered = recalledLines(view.recalled, question.text);
  return [`I am ${view.self}, ${view.title}. ${work} I keep ${view.memory.size} note(s).`, ...(remembered.length > 0 ? ['', ...remembered] : [])].join('\n');
}

/** The answer to the survey question a prompt's text holds (composeSurveyAnswer); empty when it holds none. */
export function answerSurvey(view: PromptView, content: string, variation: Variation): string {
  const question = parseSurveyMarkup(content);
  return question ? composeSurveyAnswer(view, question, variation) : '';
}
