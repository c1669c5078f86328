import { escapeAttribute, escapeText, unescapeText } from './prompt-markup.js';

/** A question put to agents (`lemming ask`, an experiment's `survey:`): free text, one of `choices`, or a number. */
export interface SurveyQuestion {
  text: string;
  /** The answer must be one of these. */
  choices?: string[];
  /** The answer is a number. */
  number?: boolean;
}

/**
 * The scale a numeric question's text names ("from 1 to 5", "0-10", "1..7"), low first; undefined when
 * it names none. The one reading of it: the offline model answers on it, and a survey's intervals are
 * kept on it (survey/number-range.ts).
 */
export function scaleNamed(text: string): [number, number] | undefined {
  const found = /(-?\d+)\s*(?:to|-|–|\.\.)\s*(-?\d+)/.exec(text);
  if (!found) return undefined;
  const [low, high] = [Number(found[1]), Number(found[2])];
  return low <= high ? [low, high] : [high, low];
}

/** The separator of choices in the element's attribute (a choice holds none). */
const CHOICE_SEPARATOR = '|';

/**
 * The question as a `<survey-question>` element: the kind and choices as escaped attributes, the
 * question as escaped content, so a question's text cannot pass for markup. Models read it as it
 * reads; the offline model parses it back (parseSurveyMarkup). Pure.
 */
export function renderSurveyMarkup(question: SurveyQuestion): string {
  const kind = question.choices ? 'choices' : question.number ? 'number' : 'text';
  const choices = question.choices ? ` choices="${escapeAttribute(question.choices.join(CHOICE_SEPARATOR))}"` : '';
  return `<survey-question kind="${kind}"${choices}>${escapeText(question.text)}</survey-question>`;
}

/** The question of a prompt's `<survey-question>` element, or undefined when it holds none. Pure. */
export function parseSurveyMarkup(text: string): SurveyQuestion | undefined {
  const found = /<survey-question kind="(text|choices|number)"(?: choices="([^"]*)")?>([\s\S]*?)<\/survey-question>/.exec(text);
  if (!found) return undefined;
  const question: SurveyQuestion = { text: unescapeText(found[3] ?? '') };
  if (found[1] === 'choices' && found[2] !== undefined) question.choices = unescapeText(found[2]).split(CHOICE_SEPARATOR);
  if (found[1] === 'number') question.number = true;
  return question;
}

/** Whether a choice can be written in the element (no separator, not empty). */
export function choiceProblem(choice: string): string | undefined {
  if (choice.trim() === '') return 'a choice is empty';
  if (choice.includes(CHOICE_SEPARATOR)) return `a choice holds "${CHOICE_SEPARATOR}" (${JSON.stringify(choice)})`;
  return undefined;
}
