import { column, type Cell, type ReportTable } from '../tables/report-table.js';
import type { PeopleCalibration } from './calibrate-people.js';
import type { PeopleEstimate } from './individual-statistics.js';
import { provenanceTables } from '../provenance/provenance-table.js';

const SHARE = 'proportion (0 to 1)';
const DIFFERENCE = 'difference of proportions (-1 to 1)';

/** The figures over people, a row each, in the order people.md gives them: the key, its unit and what it is. */
const FIGURES: ReadonlyArray<{ figure: string; unit: string; meaning: string }> = [
  { figure: 'accuracy', unit: SHARE, meaning: "the share of held-out questions the person's agent answered as the person did" },
  { figure: 'floor', unit: SHARE, meaning: "the same, for an agent given the person's attributes alone" },
  { figure: 'commonest', unit: SHARE, meaning: "the same, answering everyone else's commonest answer (weighted)" },
  { figure: 'chance', unit: SHARE, meaning: 'the same, answering at random (the mean of 1/options); no interval' },
  { figure: 'over_floor', unit: DIFFERENCE, meaning: 'accuracy − floor, person by person' },
  { figure: 'over_commonest', unit: DIFFERENCE, meaning: 'accuracy − commonest, person by person' },
  { figure: 'accuracy_weighted', unit: SHARE, meaning: "accuracy weighted by the people's weights, at their effective size" },
  { figure: 'model_retest', unit: SHARE, meaning: "the share the agent answered alike when asked again at once: the model's noise, not a ceiling" },
  { figure: 'human_retest', unit: SHARE, meaning: "the share the people answered alike in their own second interview (only with the reference's retest:)" },
  { figure: 'normalised', unit: 'ratio', meaning: "accuracy / the people's own retest, on the questions asked again (only with retest:)" },
  { figure: 'normalised_per_person', unit: 'ratio', meaning: "each person's accuracy / their own retest, averaged (Park et al.'s form; only with retest:)" },
];

function estimateCells(estimate: PeopleEstimate | number | undefined): Record<string, Cell> {
  if (typeof estimate === 'number') return { value: estimate };
  return { value: estimate?.value, low: estimate?.interval[0], high: estimate?.interval[1], n: estimate?.people, effective: estimate?.effective, cut_at: estimate?.cutAt?.join(' '), alike: estimate?.alike };
}

/**
 * `lemming calibrate --people`'s tables: `people_figures` (a row per figure over people: its mean, 95 %
 * interval and n), `people` (a row per person drawn: their scores) and `people_answers` (a row per
 * person and held-out question: the truth and what each agent answered), each made from the one after
 * it. Pure.
 */
export function peopleTables(calibration: PeopleCalibration): ReportTable[] {
  const summary = calibration.summary;
  const keyed: Record<string, PeopleEstimate | number | undefined> = summary
    ? {
        accuracy: summary.accuracy,
        floor: summary.floor,
        commonest: summary.commonest,
        chance: summary.chance,
        over_floor: summary.overFloor,
        over_commonest: summary.overCommonest,
        accuracy_weighted: summary.accuracyWeighted,
        model_retest: summary.modelRetest,
        human_retest: summary.humanRetest,
        normalised: summary.normalised,
        normalised_per_person: summary.normalisedPerPerson,
      }
    : {};
  const person = column('person', 'string', '', "the person's id in the reference");
  return [
    {
      name: 'people_figures',
      columns: [
        column('figure', 'string', '', `the figure: ${FIGURES.map((each) => `${each.figure} (${each.meaning}; ${each.unit})`).join(', ')}`),
        column('value', 'number', "the figure's own", 'its mean over people (the person the unit)'),
        column('low', 'number', "the figure's own", "its 95% interval's lower end (t over people; by linearisation for a weighted figure or a ratio), kept within what the figure can be"),
        column('high', 'number', "the figure's own", "its 95% interval's upper end"),
        column('n', 'integer', 'people', 'the people it rests on'),
        column('effective', 'number', 'people', "for accuracy_weighted: Kish's effective size of the weights, the n its interval reads"),
        column('cut_at', 'string', "the figure's own", "where the interval reached past what the figure can be (0 or 1 for a share, -1 or 1 for a difference, 0 for a ratio) and was cut there, both ends separated by a space; empty when it stayed within: the people's values lie near that end and the interval is rougher than 95%"),
        column('alike', 'boolean', '', "true when every person gave the same value: the interval is then the Wilson interval of the people as trials within what the figure can be (a share, a difference), or empty for a ratio, which has no upper bound (an interval of no width would say the figure is known); empty otherwise"),
      ],
      rows: FIGURES.filter((each) => keyed[each.figure] !== undefined).map((each) => ({ figure: each.figure, ...estimateCells(keyed[each.figure]) })),
    },
    {
      name: 'people',
      columns: [
        person,
        column('weight', 'number', '', "the person's weight in the reference (its weight: column)"),
        column('agent', 'string', '', 'the agent that stood for them'),
        column('given', 'string', '', 'the questions whose answers it was given, separated by spaces'),
        column('held_out', 'integer', 'questions', 'the questions held out and asked'),
        column('accuracy', 'number', SHARE, 'of them, answered as the person did (the first asking)'),
        column('model_retest', 'number', SHARE, 'answered alike both times'),
        column('floor', 'number', SHARE, 'answered as the person did by the floor agent (attributes only)'),
        column('commonest', 'number', SHARE, "where the person gave everyone else's commonest answer"),
        column('chance', 'number', SHARE, 'the mean of 1/options over the held-out questions'),
        column('human_retest', 'number', SHARE, 'answered alike by the person in their second interview; empty without one'),
        column('normalised', 'number', 'ratio', 'accuracy on the questions asked again / human_retest; empty without one'),
        column('unreadable', 'integer', 'answers', 'answers (three a question) that named no option'),
      ],
      rows: calibration.persons.map((each) => ({
        person: each.person,
        weight: each.weight,
        agent: each.agent,
        given: each.given.join(' '),
        held_out: each.heldOut,
        accuracy: each.accuracy,
        model_retest: each.modelRetest,
        floor: each.floor,
        commonest: each.commonest,
        chance: each.chance,
        human_retest: each.humanRetest,
        normalised: each.normalised,
        unreadable: each.unreadable,
      })),
    },
    {
      name: 'people_answers',
      columns: [
        person,
        column('question', 'string', '', "the held-out question's id"),
        column('options', 'integer', 'options', 'the options it has'),
        column('truth', 'string', '', "the person's answer"),
        column('first', 'string', '', "the agent's answer; empty: it named no option"),
        column('second', 'string', '', "the agent's answer asked again at once; empty: it named no option"),
        column('floor', 'string', '', "the floor agent's answer; empty: it named no option"),
        column('commonest', 'string', '', "everyone else's commonest answer (weighted)"),
        column('retest', 'string', '', "the person's answer in their second interview; empty without one"),
      ],
      rows: calibration.persons.flatMap((each) =>
        each.answers.map((answer) => ({ person: each.person, question: answer.question, options: answer.options, truth: answer.truth, first: answer.first, second: answer.second, floor: answer.floor, commonest: answer.commonest, retest: answer.retest })),
      ),
    },
    ...provenanceTables(calibration.provenance),
  ];
}
