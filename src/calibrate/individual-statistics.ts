/**
 * Park et al.'s individual-level measure: each agent scored against its own person. Per person, the
 * share of held-out questions the agent answered as the person did (accuracy), the share the model
 * answered alike when asked the same question again at once (its retest), the accuracy of the agent
 * given only the person's attributes (the floor), answers at random (the mean of 1/k) and everyone
 * else's commonest answer. The figures are means over people, the person the unit of repetition: a t
 * interval over people, and for a ratio (weighted; of means) a t interval by linearisation over
 * people. Pure.
 */
import { ratioInterval } from '../statistics/ratio-estimate.js';
import { mean } from '../statistics/summary.js';
import { tInterval } from '../statistics/student-t.js';

/** What one person's agents answered to one held-out question. */
export interface HeldOutAnswer {
  question: string;
  /** The person's real answer, and the options there were. */
  truth: string;
  options: number;
  /** The agent's answer, its answer asked again at once, and the floor agent's; undefined: it named no option. */
  first?: string;
  second?: string;
  floor?: string;
  /** The commonest answer of everyone else (weighted): what knowing only the population would answer. */
  commonest?: string;
}

/** One person's scores. */
export interface PersonScore {
  person: string;
  weight: number;
  heldOut: number;
  /** Shares of the held-out questions: answered as the person did; the model's two answers alike; the floor as the person did; at random (mean 1/k). */
  accuracy: number;
  retest: number;
  floor: number;
  chance: number;
  /** The share of held-out questions on which the person gave everyone else's commonest answer. */
  commonest: number;
  /** accuracy / retest, Park et al.'s normalisation with the model's retest for the person's; absent when the retest is 0. */
  normalised?: number;
  /** Answers (of the three asked per question) that named no option: counted as not the person's. */
  unreadable: number;
}

/** A mean over people with its 95 % interval. */
export interface PeopleEstimate {
  value: number;
  interval: [number, number];
  /** People it rests on. */
  people: number;
}

/** What the study found, over people. */
export interface IndividualSummary {
  accuracy: PeopleEstimate;
  retest: PeopleEstimate;
  floor: PeopleEstimate;
  /** Accuracy weighted by each person's weight (the resample's copies: the population's shares, not the drawn people's), a t interval by linearisation over people. */
  accuracyWeighted: PeopleEstimate;
  /** Accuracy minus the floor, person by person: what the person's own answers add to their attributes. */
  overFloor: PeopleEstimate;
  /** Mean accuracy / mean retest, a t interval by linearisation over people (stable at few questions a person). */
  normalised: PeopleEstimate;
  /** The mean of each person's accuracy / retest (Park et al.'s form; noisy at few questions a person), t interval. */
  normalisedPerPerson: PeopleEstimate;
  /** Answers at random: the mean over people of the mean 1/k of their held-out questions. */
  chance: number;
  /** Answering everyone with the population's commonest answer (leaving the person out): a baseline that knows nothing of the person. */
  commonest: PeopleEstimate;
  unreadable: number;
  /** The interval methods, said with the figures. */
  method: string;
}

/** One person's scores from their held-out answers. */
export function scorePerson(person: string, weight: number, answers: readonly HeldOutAnswer[]): PersonScore {
  const share = (test: (answer: HeldOutAnswer) => boolean): number => answers.filter(test).length / answers.length;
  const accuracy = share((answer) => answer.first === answer.truth);
  const retest = share((answer) => answer.first !== undefined && answer.first === answer.second);
  return {
    person,
    weight,
    heldOut: answers.length,
    accuracy,
    retest,
    floor: share((answer) => answer.floor === answer.truth),
    chance: mean(answers.map((answer) => 1 / answer.options)),
    commonest: share((answer) => answer.commonest !== undefined && answer.commonest === answer.truth),
    ...(retest > 0 ? { normalised: accuracy / retest } : {}),
    unreadable: answers.reduce((sum, answer) => sum + [answer.first, answer.second, answer.floor].filter((value) => value === undefined).length, 0),
  };
}

/** The mean of one value a person, with its t interval over people (independent units): the interval every figure but the ratio uses. */
export function meanOverPeople(values: readonly number[]): PeopleEstimate {
  return { value: mean(values), interval: tInterval(values), people: values.length };
}

/** A ratio of sums over people (Σy / Σx) with its t interval by linearisation over people. */
function ratioOverPeople(y: readonly number[], x: readonly number[]): PeopleEstimate {
  return { ...ratioInterval(y, x), people: y.length };
}

/** The means over people, each with its interval. */
export function summarisePeople(scores: readonly PersonScore[]): IndividualSummary {
  const perPerson = scores.flatMap((score) => (score.normalised === undefined ? [] : [score.normalised]));
  return {
    accuracy: meanOverPeople(scores.map((score) => score.accuracy)),
    retest: meanOverPeople(scores.map((score) => score.retest)),
    floor: meanOverPeople(scores.map((score) => score.floor)),
    accuracyWeighted: ratioOverPeople(
      scores.map((score) => score.weight * score.accuracy),
      scores.map((score) => score.weight),
    ),
    overFloor: meanOverPeople(scores.map((score) => score.accuracy - score.floor)),
    normalised: ratioOverPeople(
      scores.map((score) => score.accuracy),
      scores.map((score) => score.retest),
    ),
    normalisedPerPerson: meanOverPeople(perPerson),
    chance: mean(scores.map((score) => score.chance)),
    commonest: meanOverPeople(scores.map((score) => score.commonest)),
    unreadable: scores.reduce((sum, score) => sum + score.unreadable, 0),
    method: 'means over people (each person once), 95 % t intervals over people; the weighted accuracy and the normalised ratio of means t intervals by linearisation over people',
  };
}
