import { scaleNamed, type SurveyQuestion } from '../mailbox/survey-markup.js';
import { ANY_RANGE, type FigureRange } from '../statistics/figure-range.js';

/**
 * What the mean of a numeric question's answers can be: the scale its text names ("from 1 to 5"),
 * widened to take in any number read outside it (a model may answer 7 on a scale of 1 to 5, and the
 * mean is then no longer held to 5); unbounded when the question names no scale. A survey's intervals
 * are kept within it (figure-range.ts), `lemming ask`'s tally and an experiment's report alike. Pure.
 */
export function numberRange(question: Pick<SurveyQuestion, 'text'>, numbers: Iterable<number>): FigureRange {
  const scale = scaleNamed(question.text);
  if (!scale) return ANY_RANGE;
  let [low, high] = scale;
  for (const number of numbers) {
    if (number < low) low = number;
    if (number > high) high = number;
  }
  return [low, high];
}
