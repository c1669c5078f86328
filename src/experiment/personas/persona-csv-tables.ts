import { column, type Cell, type ReportTable } from '../../tables/report-table.js';
import type { PersonaTables } from './persona-report.js';
import type { AttributeTable } from './survey-by-attribute.js';

const SCORE_UNIT = "the judge's scale (0 to its scale)";
const PROPORTION = 'proportion (0 to 1)';

/**
 * The persona measures report.md prints, as tables: `adherence` (a row per variant: the mean score and
 * its interval, cut where report.md says it was, the drift per turn and its interval, each with the unit
 * it rests on), `adherence_by_turn` (a row per variant and turn) and `self_consistency` (a row per
 * question asked twice and variant: the share consistent and its Wilson interval). Only those the
 * report has. Pure.
 */
export function personaCsvTables(personas: PersonaTables): ReportTable[] {
  const tables: ReportTable[] = [];
  const adherence = personas.adherence;
  if (adherence) {
    const variant = column('variant', 'string', '', 'the variant');
    tables.push(
      {
        name: 'adherence',
        columns: [
          variant,
          column('judge', 'string', '', "the judge's model (the experiment's personas.judge)"),
          column('scale', 'number', "the judge's scale", 'the top of the scale the judge scored on, from 0'),
          column('written', 'integer', 'messages', 'messages written by agents with a persona, in its runs'),
          column('judged', 'integer', 'messages', 'of them, those the judge scored'),
          column('agents', 'integer', 'agents', 'distinct agents whose messages were scored'),
          column('runs', 'integer', 'runs', 'runs with a scored message'),
          column('adherence', 'number', SCORE_UNIT, 'the mean score: with two runs or more, the mean of the runs\' own means'),
          column('adherence_low', 'number', SCORE_UNIT, "the mean's 95% interval over `unit`s (a t interval over the runs, or with one run a cluster bootstrap over its agents), kept on the judge's scale, lower end"),
          column('adherence_high', 'number', SCORE_UNIT, 'its upper end'),
          column('cut_at', 'string', SCORE_UNIT, "where that interval reached past the judge's scale (0 or its top) and was cut there, both ends separated by a space; empty when it stayed within: the interval is rougher than 95%"),
          column('unit', 'string', '', 'what the intervals rest on: run, or agent (one run\'s agents, when there is one run)'),
          column('units', 'integer', 'runs or agents', 'how many of that unit (the effective n of the interval)'),
          column('drift', 'number', `${SCORE_UNIT} per turn`, "the within-agent slope of the score on the turn (each agent's messages centred on its own mean); below 0, agents slip out of their personas; empty when no agent wrote in two turns"),
          column('drift_low', 'number', `${SCORE_UNIT} per turn`, "the drift's 95% interval, made as the mean's is, lower end"),
          column('drift_high', 'number', `${SCORE_UNIT} per turn`, 'its upper end'),
          column('drift_unit', 'string', '', "what the drift's interval rests on: run or agent"),
          column('drift_units', 'integer', 'runs or agents', 'how many of that unit'),
          column('alike', 'boolean', '', "true when every unit gave the same adherence: its interval is then the Wilson interval of the units as trials on the judge's scale; empty otherwise"),
          column('drift_alike', 'boolean', '', 'true when every unit gave the same drift: a slope has no bounds, so no interval (drift_low and drift_high empty; one of no width would say the drift is known); empty otherwise'),
        ],
        rows: adherence.variants.map((cell) => ({
          variant: cell.variant,
          judge: adherence.model,
          scale: adherence.scale,
          written: cell.written,
          judged: cell.judged,
          agents: cell.agents,
          runs: cell.runs,
          adherence: cell.mean,
          adherence_low: cell.ci?.[0],
          adherence_high: cell.ci?.[1],
          cut_at: cell.cutAt?.join(' '),
          unit: cell.unit,
          units: cell.unit ? cell.units : undefined,
          drift: cell.drift?.perTurn,
          drift_low: cell.drift?.ci?.[0],
          drift_high: cell.drift?.ci?.[1],
          drift_unit: cell.drift?.unit,
          drift_units: cell.drift?.units,
          alike: cell.alike,
          drift_alike: cell.drift?.alike,
        })),
      },
      {
        name: 'adherence_by_turn',
        columns: [
          variant,
          column('turn', 'integer', 'turn', 'a turn in which agents with a persona wrote'),
          column('messages', 'integer', 'messages', 'the messages of that turn the judge scored'),
          column('adherence', 'number', SCORE_UNIT, 'their mean score (no interval: the messages of a turn are not independent)'),
        ],
        rows: adherence.variants.flatMap((cell) => cell.byTurn.map((turn) => ({ variant: cell.variant, turn: turn.turn, messages: turn.n, adherence: turn.mean }))),
      },
    );
  }
  if (personas.consistency.length > 0) {
    tables.push({
      name: 'self_consistency',
      columns: [
        column('early_index', 'integer', '', "the early ask's place in the experiment's survey:, from 0"),
        column('late_index', 'integer', '', "the late ask's place, from 0"),
        column('question', 'string', '', 'the question asked twice'),
        column('variant', 'string', '', 'the variant'),
        column('pairs', 'integer', 'pairs of answers', 'an agent in a run that answered both times, readably'),
        column('agents', 'integer', 'agents', 'the distinct agents behind them (the n of the interval)'),
        column('kept', 'integer', 'pairs of answers', 'answers that did not change'),
        column('changed_with_cause', 'integer', 'pairs of answers', 'answers that changed after mail between the two asks that spoke of the question'),
        column('changed_without_cause', 'integer', 'pairs of answers', 'answers that changed with no such mail'),
        column('consistent', 'number', PROPORTION, 'the share of pairs kept or changed with a cause'),
        column('consistent_low', 'number', PROPORTION, "its 95% Wilson interval, whose n is the agents, not the pairs (the same person asked in several runs is one person), lower end"),
        column('consistent_high', 'number', PROPORTION, 'its upper end'),
      ],
      rows: personas.consistency.flatMap((pair) =>
        pair.variants.map((cell) => ({
          early_index: pair.indices[0],
          late_index: pair.indices[1],
          question: pair.question,
          variant: cell.variant,
          pairs: cell.pairs,
          agents: cell.agents,
          kept: cell.kept,
          changed_with_cause: cell.changedWithCause,
          changed_without_cause: cell.changedWithoutCause,
          consistent: cell.share,
          consistent_low: cell.ci?.[0],
          consistent_high: cell.ci?.[1],
        })),
      ),
    });
  }
  return tables;
}

/**
 * report.md's survey by attribute as one table, `survey_by_attribute`: a row per question, attribute,
 * variant, value and choice (a choice question: the count, the share and its Wilson interval over the
 * group's people), or per question, attribute, variant and value (a numeric one: the mean and its
 * cluster bootstrap interval over people). Empty: no table. Pure.
 */
export function surveyByAttributeCsvTable(tables: readonly AttributeTable[]): ReportTable[] {
  if (tables.length === 0) return [];
  const own = "the question's own";
  return [
    {
      name: 'survey_by_attribute',
      columns: [
        column('question_index', 'integer', '', "the question's place in the experiment's survey:, from 0"),
        column('question', 'string', '', 'the question asked'),
        column('attribute', 'string', '', "a `persona:` attribute of the respondents (those whose values are numbers are not tabulated)"),
        column('variant', 'string', '', 'the variant'),
        column('value', 'string', '', 'one value of the attribute: the group is the agents whose persona has it'),
        column('answers', 'integer', 'answers', "the group's readable answers, over every run of the variant"),
        column('people', 'integer', 'agents', 'the distinct agents who gave them: the n of every interval of the row'),
        column('choice', 'string', '', 'a choice (choice questions); empty for a numeric one'),
        column('count', 'integer', 'answers', 'answers of the group that named it'),
        column('share', 'number', PROPORTION, "its share of the group's answers"),
        column('share_low', 'number', PROPORTION, "the share's 95% Wilson interval with the people as its n (a person asked in several runs is one person), lower end"),
        column('share_high', 'number', PROPORTION, 'its upper end'),
        column('mean', 'number', own, "a numeric question: the group's mean answer"),
        column('mean_low', 'number', own, "the mean's 95% cluster bootstrap interval over people (a person's answers in every run kept together), lower end"),
        column('mean_high', 'number', own, 'its upper end'),
        column('alike', 'boolean', '', "a numeric question: true when every answer of the group was the same, where a bootstrap has no width: the interval is then the people's Wilson interval on the question's scale, or empty where it names none; empty otherwise"),
      ],
      rows: tables.flatMap((found) =>
        found.cells.flatMap((cell): Array<Record<string, Cell>> => {
          const base = { question_index: found.index, question: found.question, attribute: found.attribute, variant: cell.variant, value: cell.value, answers: cell.n, people: cell.people };
          if (found.kind === 'number') return [{ ...base, mean: cell.numbers?.mean, mean_low: cell.numbers?.ci?.[0], mean_high: cell.numbers?.ci?.[1], alike: cell.numbers?.alike }];
          return (found.choices ?? []).map((choice) => {
            const each = cell.choices?.[choice];
            return { ...base, choice, count: each?.count ?? 0, share: each?.share, share_low: each?.ci[0], share_high: each?.ci[1] };
          });
        }),
      ),
    },
  ];
}
