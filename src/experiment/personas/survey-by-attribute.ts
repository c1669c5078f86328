import type { Experiment } from '../experiment-file.js';
import type { RunMetrics } from '../run-metrics.js';
import { clusteredBootstrapMean } from '../../statistics/bootstrap.js';
import { wilsonInterval } from '../../statistics/proportions.js';
import { seedOf } from '../../statistics/seeds.js';
import { mean, tidy } from '../../statistics/summary.js';
import { alikeInterval, alikeWords, allAlike } from '../../statistics/runs-interval.js';
import { numberRange } from '../../survey/number-range.js';
import { figure, interval, oneLine, table } from '../report-markdown.js';

/** One value of an attribute in one variant: the answers of the agents whose persona has it. */
export interface AttributeCell {
  variant: string;
  value: string;
  /** Readable answers, over every run of the variant. */
  n: number;
  /** The distinct people (agents) who gave them: the unit of every interval of the cell. */
  people: number;
  /** A choice question: each choice's count, its share of `n` and the share's 95% Wilson interval with the people as its n (one person asked in several runs is one person). */
  choices?: Record<string, { count: number; share: number; ci: [number, number] }>;
  /**
   * A numeric question: the mean and its 95% cluster bootstrap interval over people (a person's answers
   * in every run kept together); `alike` when every answer was the same, a bootstrap of no width: then
   * the people's Wilson interval on the question's scale, or none (null) where it names none.
   */
  numbers?: { mean: number; ci: [number, number] | null; alike?: true };
}

/** One survey question's answers cross-tabulated by one persona attribute. */
export interface AttributeTable {
  index: number;
  question: string;
  attribute: string;
  kind: 'choices' | 'number';
  choices?: string[];
  cells: AttributeCell[];
}

/**
 * The survey's choice and numeric answers cross-tabulated by the respondents' `persona:` attributes
 * (each answer carries its agent's persona as it was when asked): for each question, attribute,
 * variant and value, the count and share of each choice with a Wilson interval, or the mean with a
 * seeded cluster bootstrap interval; both rest on the people of the cell, not on their answers, which
 * repeat when a variant runs more than once. Attributes whose values are numbers (an age) are not tabulated: a value
 * each would make a row each. Values are in the order first met. Pure.
 */
export function surveyByAttribute(experiment: Experiment, runs: readonly RunMetrics[]): AttributeTable[] {
  const seed = experiment.variants[0]?.outcome.seed ?? 1;
  const tables: AttributeTable[] = [];
  experiment.survey.forEach((setting, index) => {
    const question = setting.question;
    if (!question.choices && !question.number) return;
    const answers = experiment.variants.map((variant) => ({
      variant: variant.name,
      answers: runs
        .filter((run) => run.variant === variant.name)
        .flatMap((run) => run.survey?.find((round) => round.index === index)?.answers ?? [])
        .filter((answer) => answer.error === undefined && answer.persona !== undefined && (question.choices ? answer.choice !== undefined : answer.number !== undefined)),
    }));
    const attributes: string[] = [];
    for (const { answers: given } of answers) {
      for (const answer of given) {
        for (const [name, value] of Object.entries(answer.persona ?? {})) if (typeof value !== 'number' && !attributes.includes(name)) attributes.push(name);
      }
    }
    for (const attribute of attributes) {
      const cells: AttributeCell[] = [];
      for (const { variant, answers: given } of answers) {
        const values: string[] = [];
        for (const answer of given) {
          const value = answer.persona?.[attribute];
          if (value !== undefined && typeof value !== 'number' && !values.includes(String(value))) values.push(String(value));
        }
        for (const value of values) {
          const group = given.filter((answer) => String(answer.persona?.[attribute]) === value);
          const people = new Set(group.map((answer) => answer.agent)).size;
          const cell: AttributeCell = { variant, value, n: group.length, people };
          if (question.choices) {
            cell.choices = Object.fromEntries(
              question.choices.map((choice) => {
                const count = group.filter((answer) => answer.choice === choice).length;
                const [low, high] = wilsonInterval((count / group.length) * people, people);
                return [choice, { count, share: tidy(count / group.length), ci: [tidy(low), tidy(high)] as [number, number] }];
              }),
            );
          } else {
            const numbers = group.flatMap((answer) => (answer.number === undefined ? [] : [answer.number]));
            const byPerson = new Map<string, number[]>();
            for (const answer of group) if (answer.number !== undefined) byPerson.set(answer.agent, [...(byPerson.get(answer.agent) ?? []), answer.number]);
            if (people >= 2 && allAlike(numbers)) {
              const made = alikeInterval(numbers[0]!, people, numberRange(question, numbers));
              cell.numbers = { mean: tidy(mean(numbers)), ci: made.interval ? [tidy(made.interval[0]), tidy(made.interval[1])] : null, alike: true };
            } else {
              const [low, high] = clusteredBootstrapMean([...byPerson.values()], seedOf(`${seed}:survey:${index}:${attribute}:${value}:${variant}`));
              cell.numbers = { mean: tidy(mean(numbers)), ci: [tidy(low), tidy(high)] };
            }
          }
          cells.push(cell);
        }
      }
      tables.push({ index, question: question.text, attribute, kind: question.choices ? 'choices' : 'number', ...(question.choices ? { choices: question.choices } : {}), cells });
    }
  });
  return tables;
}

/** The survey's cross-tabulations in report.md, a table per question and attribute. Pure. */
export function renderSurveyByAttribute(tables: readonly AttributeTable[]): string[] {
  if (tables.length === 0) return [];
  const lines = [
    '## Survey by attribute',
    '',
    "Each answer counted under its agent's `persona:` attributes: per choice its count and share of the group's answers, or the group's mean. Each 95% interval rests on the group's people, not its answers (a person asked in several runs is one person): a Wilson interval with the people as its n, or a cluster bootstrap over people.",
    '',
  ];
  for (const found of tables) {
    lines.push(`### ${found.index + 1}. ${oneLine(found.question)}, by ${found.attribute}`, '');
    if (found.kind === 'choices') {
      const choices = found.choices ?? [];
      lines.push(
        ...table(
          ['variant', found.attribute, 'answers', 'people', ...choices],
          found.cells.map((cell) => [cell.variant, cell.value, String(cell.n), String(cell.people), ...choices.map((choice) => {
            const each = cell.choices?.[choice];
            return each ? `${each.count} (${figure(each.share)} ${interval(each.ci)})` : '0';
          })]),
        ),
        '',
      );
    } else {
      lines.push(...table(['variant', found.attribute, 'answers', 'people', 'mean', '95% interval'], found.cells.map((cell) => [cell.variant, cell.value, String(cell.n), String(cell.people), figure(cell.numbers?.mean), cell.numbers?.alike && !cell.numbers.ci ? alikeWords(cell.people, 'person', 'people') : interval(cell.numbers?.ci)])), '');
    }
  }
  return lines;
}
