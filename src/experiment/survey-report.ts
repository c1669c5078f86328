import type { Experiment } from './experiment-file.js';
import type { RunMetrics } from './run-metrics.js';
import { seedOf } from '../statistics/seeds.js';
import { mean, spreadOrNone } from '../statistics/summary.js';
import { estimateOverUnits, type RepetitionUnit } from '../statistics/unit-estimate.js';
import { figure, interval, oneLine, table } from './report-markdown.js';
import type { SurveyQuestion } from '../mailbox/survey-markup.js';
import { alikeWords } from '../statistics/runs-interval.js';
import { numberRange } from '../survey/number-range.js';

/** One question's answers in one variant, over its runs and agents. */
export interface SurveyCell {
  variant: string;
  /** Answers given (calls that failed are not answers). */
  answers: number;
  /** A multiple-choice question: how many answers chose each choice (`unreadable`: none could be read). */
  counts?: Record<string, number>;
  /** A numeric question: its answers read (n), their mean and its 95% interval over `unit`s (SurveyNumbers). */
  numbers?: SurveyNumbers;
}

/**
 * A numeric question's answers in one variant, with the unit their interval rests on. The runs are the
 * unit of repetition: the agents of one run answer under the same run (its mail, its events) and are not
 * independent, so with two runs or more `mean` is the mean of the runs' own means and `ci` a t interval
 * over them (`units` runs); with one run its agents are the only units there are (a bootstrap over them,
 * `units` agents). Answers are never the unit.
 */
export interface SurveyNumbers {
  /** Numbers read, over every run. */
  n: number;
  mean: number | null;
  /** The answers' standard deviation (a description of them, not of the mean's uncertainty). */
  sd: number | null;
  ci: [number, number] | null;
  /** The ends of the question's scale the interval reached past and was cut at (survey/number-range.ts); absent when it stayed within. */
  cutAt?: number[];
  /** What the interval is over, and how many of it there were (absent in a report written before lemming said it). */
  unit?: RepetitionUnit;
  units?: number;
  /** True when every unit gave the same mean: `ci` is then the Wilson interval within the question's scale, or null where it names none (statistics/runs-interval.ts). */
  alike?: true;
}

/** The numbers of one variant's runs (a list per run, runs without a number left out), summed up over the runs (SurveyNumbers). Pure. */
function numbersOverRuns(question: SurveyQuestion, perRun: ReadonlyArray<readonly number[]>, seed: number): SurveyNumbers {
  const runs = perRun.filter((values) => values.length > 0);
  const values = runs.flat();
  if (values.length === 0) return { n: 0, mean: null, sd: null, ci: null };
  // A t interval over few runs reaches past the scale the question names: cut there, and said.
  const estimate = estimateOverUnits(runs, (agents) => (agents.length === 0 ? NaN : mean(agents)), seed, numberRange(question, values));
  const alike = estimate.alike ? { alike: true as const } : {};
  if (!estimate.interval.every(Number.isFinite)) return { n: values.length, mean: estimate.value, sd: spreadOrNone(values), ci: null, unit: estimate.unit, units: estimate.units, ...alike };
  return { n: values.length, mean: estimate.value, sd: spreadOrNone(values), ci: estimate.interval, ...(estimate.cutAt ? { cutAt: estimate.cutAt } : {}), unit: estimate.unit, units: estimate.units, ...alike };
}

/** A numeric figure's interval cell: `[low, high]`, `–` for none, or where its units were all alike and gave none, so said. */
export function numbersInterval(numbers: Pick<SurveyNumbers, 'ci' | 'cutAt' | 'alike' | 'unit' | 'units'> | undefined): string {
  if (numbers?.ci) return interval(numbers.ci, numbers.cutAt);
  return numbers?.alike && numbers.units !== undefined ? alikeWords(numbers.units, numbers.unit) : '–';
}

/** What a numeric figure's interval rests on, as a report's cell says it: `5 runs (t)`, `12 agents of 1 run (bootstrap)`. */
export function unitText(numbers: Pick<SurveyNumbers, 'unit' | 'units' | 'alike'> | undefined): string {
  if (numbers?.unit === undefined || numbers.units === undefined) return '–';
  if (numbers.unit === 'run') return `${numbers.units} runs (${numbers.alike ? 'all alike' : 't'})`;
  return numbers.units === 1 ? '1 agent of 1 run (bootstrap)' : `${numbers.units} agents of 1 run (bootstrap)`;
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
 * (over the runs, or one run's agents: SurveyNumbers; a bootstrap seeded from the experiment's seed and
 * what it is of), the number of answers for free text. Pure.
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
        const perRun = runs
          .filter((run) => run.variant === variant.name)
          .map((run) => (run.survey?.find((round) => round.index === index)?.answers ?? []).flatMap((answer) => (answer.error === undefined && answer.number !== undefined ? [answer.number] : [])));
        cell.numbers = numbersOverRuns(question, perRun, seedOf(`${seed}:survey:${index}:${variant.name}`));
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
          ['variant', 'n', 'mean', 'sd', '95% interval', 'over'],
          survey.variants.map((cell) => {
            const numbers = cell.numbers;
            return [cell.variant, String(numbers?.n ?? 0), figure(numbers?.mean), figure(numbers?.sd), numbersInterval(numbers), unitText(numbers)];
          }),
        ),
        '',
        "n: the answers read. With two runs or more the mean is the runs' means averaged and its interval a t interval over the runs (`over`: how many): the agents of one run answer under the same run and are not independent, so the runs are the unit, never the answers. With one run, its agents are the only units (a bootstrap over them), and the interval says nothing of another run. Units that all gave the same mean show no spread: on a scale the question names, the interval is the Wilson interval of the units as trials on it; with no scale there is none, and the cell says so.",
      );
    } else {
      lines.push(...table(['variant', 'answers'], survey.variants.map((cell) => [cell.variant, String(cell.answers)])), '', "Free-text answers are in each run's `experiment-survey.json`.");
    }
    lines.push('');
  }
  return lines;
}
