import type { Experiment } from './experiment-file.js';
import type { RunMetrics } from './run-metrics.js';
import { bootstrapMean } from '../statistics/bootstrap.js';
import { seedOf } from '../statistics/seeds.js';
import { mean, standardDeviation } from '../statistics/summary.js';
import { figure, oneLine, table } from './report-markdown.js';

/** One question's answers in one variant, over its runs and agents. */
export interface SurveyCell {
  variant: string;
  /** Answers given (calls that failed are not answers). */
  answers: number;
  /** A multiple-choice question: how many answers chose each choice (`unreadable`: none could be read). */
  counts?: Record<string, number>;
  /** A numeric question: n, mean, standard deviation and a 95% bootstrap interval of the mean. */
  numbers?: { n: number; mean: number | null; sd: number | null; ci: [number, number] | null };
}

/** One question of the survey, tabulated per variant. */
export interface SurveyTable {
  index: number;
  question: string;
  kind: 'choices' | 'number' | 'text';
  choices?: string[];
  variants: SurveyCell[];
}

/**
 * The survey's answers per question and variant: counts for choices, mean and interval for numbers
 * (the interval by statistics.ts's seeded bootstrap, seeded from the experiment's seed and what it
 * is of), the number of answers for free text. Pure.
 */
export function surveyTables(experiment: Experiment, runs: readonly RunMetrics[]): SurveyTable[] {
  const seed = experiment.variants[0]?.outcome.seed ?? 1;
  return experiment.survey.map((setting, index) => {
    const question = setting.question;
    const kind = question.choices ? 'choices' : question.number ? 'number' : 'text';
    const variants = experiment.variants.map((variant): SurveyCell => {
      const answers = runs
        .filter((run) => run.variant === variant.name)
        .flatMap((run) => run.survey?.find((round) => round.index === index)?.answers ?? [])
        .filter((answer) => answer.error === undefined);
      const cell: SurveyCell = { variant: variant.name, answers: answers.length };
      if (question.choices) {
        const counts: Record<string, number> = Object.fromEntries(question.choices.map((choice) => [choice, 0]));
        for (const answer of answers) {
          const key = answer.choice ?? 'unreadable';
          counts[key] = (counts[key] ?? 0) + 1;
        }
        cell.counts = counts;
      }
      if (question.number) {
        const values = answers.flatMap((answer) => (answer.number === undefined ? [] : [answer.number]));
        cell.numbers =
          values.length === 0
            ? { n: 0, mean: null, sd: null, ci: null }
            : { n: values.length, mean: mean(values), sd: standardDeviation(values), ci: bootstrapMean(values, seedOf(`${seed}:survey:${index}:${variant.name}`)) };
      }
      return cell;
    });
    return { index, question: question.text, kind, ...(question.choices ? { choices: question.choices } : {}), variants };
  });
}

/** The survey section of report.md: a table per question. Pure. */
export function renderSurvey(tables: readonly SurveyTable[]): string[] {
  if (tables.length === 0) return [];
  const lines = ['## Survey', '', "Questions put to the runs' agents (`survey:`); the calls were charged to each run's research account, never to an agent.", ''];
  for (const survey of tables) {
    lines.push(`### ${survey.index + 1}. ${oneLine(survey.question)}`, '');
    if (survey.kind === 'choices') {
      const keys = [...(survey.choices ?? []), ...(survey.variants.some((cell) => (cell.counts?.unreadable ?? 0) > 0) ? ['unreadable'] : [])];
      lines.push(...table(['variant', 'answers', ...keys], survey.variants.map((cell) => [cell.variant, String(cell.answers), ...keys.map((key) => String(cell.counts?.[key] ?? 0))])));
    } else if (survey.kind === 'number') {
      lines.push(
        ...table(
          ['variant', 'n', 'mean', 'sd', '95% interval'],
          survey.variants.map((cell) => {
            const numbers = cell.numbers;
            return [cell.variant, String(numbers?.n ?? 0), figure(numbers?.mean), figure(numbers?.sd), numbers?.ci ? `[${figure(numbers.ci[0])}, ${figure(numbers.ci[1])}]` : '–'];
          }),
        ),
      );
    } else {
      lines.push(...table(['variant', 'answers'], survey.variants.map((cell) => [cell.variant, String(cell.answers)])), '', "Free-text answers are in each run's `experiment-survey.json`.");
    }
    lines.push('');
  }
  return lines;
}
