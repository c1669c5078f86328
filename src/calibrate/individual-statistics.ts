/**
 * Park et al.'s individual-level measure: each agent scored against its own person. Per person, the
 * share of held-out questions the agent answered as the person did (accuracy), beside what knows less
 * of the person: the agent given only the person's attributes (the floor), everyone else's commonest
 * answer, and answers at random (the mean of 1/k). The model's own retest (the same question asked
 * again at once) is a figure of its own: it measures the model's noise, and dividing by it rewards
 * noise (a model answering at random half the time "scored" above a perfect one). Accuracy is divided
 * by a retest only where the reference holds the person's own (their answers to the same questions in
 * a second interview), as Park et al. divide by each person's retest two weeks later. The figures are
 * means over people, the person the unit of repetition: a t interval over people, and for a ratio
 * (weighted; of means) a t interval by linearisation over people, the weighted one at the drawn
 * people's effective size. Each interval is kept within what its figure can be (figure-range.ts): a
 * share's t interval over few people near 0 or 1 reaches past it, and is cut there, saying so. Pure.
 */
import { kishEffectiveSize } from '../statistics/effective-size.js';
import { cutToRange, DIFFERENCE_RANGE, NON_NEGATIVE_RANGE, SHARE_RANGE, type FigureRange } from '../statistics/figure-range.js';
import { ratioInterval } from '../statistics/ratio-estimate.js';
import { alikeInterval, allAlike, meanInterval, type RunsInterval } from '../statistics/runs-interval.js';
import { mean } from '../statistics/summary.js';

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
  /** The person's own answer to the question in a second interview, where the reference holds one (`retest:`). */
  retest?: string;
}

/** One person's scores. */
export interface PersonScore {
  person: string;
  weight: number;
  heldOut: number;
  /** Shares of the held-out questions: answered as the person did; the model's two answers alike (its own retest); the floor as the person did; at random (mean 1/k). */
  accuracy: number;
  modelRetest: number;
  floor: number;
  chance: number;
  /** The share of held-out questions on which the person gave everyone else's commonest answer. */
  commonest: number;
  /** The share of held-out questions (of those asked again) the person answered alike in both interviews; absent where the reference holds no retest of them. */
  humanRetest?: number;
  /** Accuracy on the questions the person was asked again (those humanRetest is of); absent without a human retest. */
  retestedAccuracy?: number;
  /** retestedAccuracy / humanRetest, Park et al.'s normalisation; absent without a human retest, or where it is 0. */
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
  /** For a weighted figure: Kish's effective size of their weights, the people the interval reads them as. */
  effective?: number;
  /** The ends of what the figure can be (0 or 1 for a share) its interval reached past and was cut at; absent when it stayed within. */
  cutAt?: number[];
  /**
   * True when every person gave the same value (a ratio: every person's residual 0): a share's interval
   * is then the Wilson interval of the people as trials, any other figure's none (NaN ends), never one
   * of no width (statistics/runs-interval.ts).
   */
  alike?: true;
}

/** What the study found, over people. */
export interface IndividualSummary {
  accuracy: PeopleEstimate;
  floor: PeopleEstimate;
  /** Answering everyone with the population's commonest answer (leaving the person out): a baseline that knows nothing of the person. */
  commonest: PeopleEstimate;
  /** Answers at random: the mean over people of the mean 1/k of their held-out questions. */
  chance: number;
  /** Accuracy minus the floor, person by person: what the person's own answers add to their attributes. */
  overFloor: PeopleEstimate;
  /** Accuracy minus the commonest answer's, person by person: what the agent knows of the person beyond the population. */
  overCommonest: PeopleEstimate;
  /** Accuracy weighted by each person's weight (the resample's copies: the population's shares, not the drawn people's), a t interval by linearisation over people at their effective size. */
  accuracyWeighted: PeopleEstimate;
  /** The model's own retest: the share of questions it answered alike when asked again at once. Its noise, not a ceiling. */
  modelRetest: PeopleEstimate;
  /** The people's own retest, where the reference holds a second interview of every drawn person; absent otherwise. */
  humanRetest?: PeopleEstimate;
  /** Mean accuracy / mean human retest (on the questions asked again), a t interval by linearisation over people; absent without a human retest. */
  normalised?: PeopleEstimate;
  /** The mean of each person's accuracy / their retest (Park et al.'s form; noisy at few questions a person), t interval; absent without a human retest. */
  normalisedPerPerson?: PeopleEstimate;
  unreadable: number;
  /** The interval methods, said with the figures. */
  method: string;
}

/** One person's scores from their held-out answers. */
export function scorePerson(person: string, weight: number, answers: readonly HeldOutAnswer[]): PersonScore {
  const share = (test: (answer: HeldOutAnswer) => boolean, among: readonly HeldOutAnswer[] = answers): number => among.filter(test).length / among.length;
  const accuracy = share((answer) => answer.first === answer.truth);
  const retested = answers.filter((answer) => answer.retest !== undefined);
  const humanRetest = retested.length === 0 ? undefined : share((answer) => answer.retest === answer.truth, retested);
  const retestedAccuracy = retested.length === 0 ? undefined : share((answer) => answer.first === answer.truth, retested);
  return {
    person,
    weight,
    heldOut: answers.length,
    accuracy,
    modelRetest: share((answer) => answer.first !== undefined && answer.first === answer.second),
    floor: share((answer) => answer.floor === answer.truth),
    chance: mean(answers.map((answer) => 1 / answer.options)),
    commonest: share((answer) => answer.commonest !== undefined && answer.commonest === answer.truth),
    ...(humanRetest === undefined ? {} : { humanRetest, retestedAccuracy: retestedAccuracy! }),
    ...(humanRetest !== undefined && humanRetest > 0 ? { normalised: retestedAccuracy! / humanRetest } : {}),
    unreadable: answers.reduce((sum, answer) => sum + [answer.first, answer.second, answer.floor].filter((value) => value === undefined).length, 0),
  };
}

/** An interval of runs-interval.ts as a PeopleEstimate holds it: NaN ends for none. */
function held(made: RunsInterval): Pick<PeopleEstimate, 'interval' | 'cutAt' | 'alike'> {
  return { interval: made.interval ?? [NaN, NaN], ...(made.cutAt ? { cutAt: made.cutAt } : {}), ...(made.alike ? { alike: true as const } : {}) };
}

/**
 * A ratio's estimate with its interval kept within `range`, with the ends it was cut at; where every
 * person's own ratio (`ratios`: accuracy for the weighted accuracy) is alike, each residual is 0 and
 * the interval has no width: then the people's (`effective` ones for a weighted figure) Wilson interval
 * on a bounded range, or none. Alike is read from the people's values (allAlike), as every figure's:
 * the interval's ends, made by sums of products, lie 2e-16 apart where the people are alike but their
 * weights unequal, and `0.700 [0.700, 0.700]` went out. An interval of no width with ratios that are not
 * all there (a person with no agreement in their retest nor accuracy on it fits any ratio) is alike too.
 */
function within<Estimate extends { value: number; interval: [number, number]; people: number; effective?: number }>(estimate: Estimate, range: FigureRange, ratios: readonly number[]): Estimate & Pick<PeopleEstimate, 'cutAt' | 'alike'> {
  const [low, high] = estimate.interval;
  const alike = allAlike(ratios) || (Number.isFinite(low) && low === high);
  if (estimate.people >= 2 && alike) return { ...estimate, ...held(alikeInterval(estimate.value, estimate.effective ?? estimate.people, range)) };
  return { ...estimate, ...cutToRange(estimate.interval, range) };
}

/** The mean of one value a person, with its t interval over people (independent units), kept within `range`: the interval every figure but the ratios uses. */
export function meanOverPeople(values: readonly number[], range: FigureRange = SHARE_RANGE): PeopleEstimate {
  return { value: mean(values), people: values.length, ...held(meanInterval(values, range)) };
}

/** The human retest's figures, when every drawn person has one: their retest, and accuracy divided by it. */
function normalisedFigures(scores: readonly PersonScore[]): Pick<IndividualSummary, 'humanRetest' | 'normalised' | 'normalisedPerPerson'> {
  if (scores.length === 0 || scores.some((score) => score.humanRetest === undefined)) return {};
  const retests = scores.map((score) => score.humanRetest!);
  const accuracies = scores.map((score) => score.retestedAccuracy!);
  return {
    humanRetest: meanOverPeople(retests),
    normalised: within(
      { ...ratioInterval(accuracies, retests), people: scores.length },
      NON_NEGATIVE_RANGE,
      // A person with neither agreement in their retest nor accuracy on it fits any ratio; one with accuracy and no agreement, none.
      scores.flatMap((score) => (score.normalised !== undefined ? [score.normalised] : score.retestedAccuracy === 0 ? [] : [NaN])),
    ),
    normalisedPerPerson: meanOverPeople(
      scores.flatMap((score) => (score.normalised === undefined ? [] : [score.normalised])),
      NON_NEGATIVE_RANGE,
    ),
  };
}

/** The means over people, each with its interval. */
export function summarisePeople(scores: readonly PersonScore[]): IndividualSummary {
  const weights = scores.map((score) => score.weight);
  const effective = kishEffectiveSize(weights);
  return {
    accuracy: meanOverPeople(scores.map((score) => score.accuracy)),
    floor: meanOverPeople(scores.map((score) => score.floor)),
    commonest: meanOverPeople(scores.map((score) => score.commonest)),
    chance: mean(scores.map((score) => score.chance)),
    overFloor: meanOverPeople(
      scores.map((score) => score.accuracy - score.floor),
      DIFFERENCE_RANGE,
    ),
    overCommonest: meanOverPeople(
      scores.map((score) => score.accuracy - score.commonest),
      DIFFERENCE_RANGE,
    ),
    accuracyWeighted: within(
      {
        ...ratioInterval(
          scores.map((score) => score.weight * score.accuracy),
          weights,
          0.95,
          effective - 1,
        ),
        people: scores.length,
        effective,
      },
      SHARE_RANGE,
      scores.map((score) => score.accuracy),
    ),
    modelRetest: meanOverPeople(scores.map((score) => score.modelRetest)),
    ...normalisedFigures(scores),
    unreadable: scores.reduce((sum, score) => sum + score.unreadable, 0),
    method: "means over people (each person once), 95 % t intervals over people, the differences person by person; the weighted accuracy a t interval by linearisation over people at their Kish effective size; normalised (only by the people's own retest, where the reference holds one) a t interval by linearisation; each kept within what the figure can be (a share 0 to 1, a difference −1 to 1, a ratio 0 and above): one that reached past and was cut there says where ('cut at 0'), its people's values near that end, skewed, and the interval rougher than 95 %",
  };
}
