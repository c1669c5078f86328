/**
 * What a question's answers add up to: for a choice question each choice's count and share with a
 * 95% Wilson interval, for a numeric one the mean with a t interval (on the question's scale), and for both how many answers
 * could not be read (or were not given). The agents asked at one moment are the units: one answer
 * each. Pure.
 */
import type { SurveyQuestion } from '../mailbox/survey-markup.js';
import { wilsonInterval } from '../statistics/proportions.js';
import { alikeWords, meanInterval } from '../statistics/runs-interval.js';
import { mean, tidy, tidyPair } from '../statistics/summary.js';
import type { SurveyAnswer } from './ask-agents.js';
import { numberRange } from './number-range.js';

/** The tally of one question's answers. */
export interface Tally {
  /** Agents asked, and those whose answer was read (a choice named, a number given). */
  asked: number;
  read: number;
  /** Asked but not read: the call failed, or the text named no choice or number. */
  unreadable: number;
  /** A choice question: each choice's count, share of the answers read, and 95% Wilson interval. */
  choices?: Array<{ choice: string; count: number; share: number; ci: [number, number] }>;
  /**
   * A numeric question: the mean of the numbers read and its 95% t interval (none for fewer than two),
   * kept on the scale the question names (number-range.ts), `cutAt` the ends it reached past and was cut at;
   * `alike` when every number was the same: then the Wilson interval on that scale, or none where it names
   * none (statistics/runs-interval.ts).
   */
  numbers?: { mean: number; ci: [number, number] | null; cutAt?: number[]; alike?: true };
}

/** The tally of `answers` to `question`; a free-text question counts only who answered. */
export function tallyAnswers(question: SurveyQuestion, answers: readonly SurveyAnswer[]): Tally {
  if (question.choices) {
    const read = answers.filter((answer) => answer.error === undefined && answer.choice !== undefined);
    return {
      asked: answers.length,
      read: read.length,
      unreadable: answers.length - read.length,
      choices: question.choices.map((choice) => {
        const count = read.filter((answer) => answer.choice === choice).length;
        return { choice, count, share: read.length === 0 ? 0 : tidy(count / read.length), ci: tidyPair(wilsonInterval(count, read.length)) };
      }),
    };
  }
  if (question.number) {
    const numbers = answers.flatMap((answer) => (answer.error === undefined && answer.number !== undefined ? [answer.number] : []));
    const { interval, cutAt, alike } = meanInterval(numbers, numberRange(question, numbers));
    return {
      asked: answers.length,
      read: numbers.length,
      unreadable: answers.length - numbers.length,
      numbers: { mean: tidy(mean(numbers)), ci: interval ? tidyPair(interval) : null, ...(cutAt ? { cutAt } : {}), ...(alike ? { alike } : {}) },
    };
  }
  const given = answers.filter((answer) => answer.error === undefined && answer.raw !== '').length;
  return { asked: answers.length, read: given, unreadable: answers.length - given };
}

/** The tally as the lines `lemming ask` prints under the answers. */
export function renderTally(tally: Tally): string[] {
  const unread = tally.unreadable > 0 ? `; ${tally.unreadable} could not be read` : '';
  if (tally.choices) {
    const interval = (ci: [number, number]): string => (Number.isFinite(ci[0]) ? ` [${ci[0]}, ${ci[1]}]` : '');
    return [`tally of ${tally.read} answer(s) read${unread}: ${tally.choices.map((each) => `${each.choice} ${each.count} (${each.share}${interval(each.ci)})`).join(', ')}`];
  }
  if (tally.numbers) {
    const cut = tally.numbers.cutAt ? ` (cut at ${tally.numbers.cutAt.join(' and ')})` : '';
    const ci = tally.numbers.ci ? ` [${tally.numbers.ci[0]}, ${tally.numbers.ci[1]}]${cut}` : tally.numbers.alike ? ` (${alikeWords(tally.read, 'agent')})` : '';
    return [`tally of ${tally.read} answer(s) read${unread}: mean ${Number.isFinite(tally.numbers.mean) ? tally.numbers.mean : '–'}${ci}`];
  }
  return unread === '' ? [] : [`${tally.unreadable} of ${tally.asked} gave no answer`];
}
