import { experimentBlameTables, type BlamedRun } from '../blame/blame-tables.js';
import { column, CREDITS_UNIT, type ReportTable, type TableColumn } from '../tables/report-table.js';
import { RUN_ENDINGS, type RunMetrics } from './run-metrics.js';
import type { StudyStatistics } from './study-statistics.js';
import type { SurveyTable } from './survey-report.js';
import { personaCsvTables, surveyByAttributeCsvTable } from './personas/persona-csv-tables.js';
import type { PersonaTables } from './personas/persona-report.js';
import type { AttributeTable } from './personas/survey-by-attribute.js';
import type { VariantSummary } from './variant-summary.js';
import { CAUSE_SETTINGS, CAUSE_UNITS, CAUSE_WORDS, DELIVERY_FORMS, FORM_WORDS, REFUSAL_CAUSES, type FormCounts, type RefusalCounts } from '../format/mail-outcomes.js';
import { provenanceTables } from '../provenance/provenance-table.js';
import type { Provenance } from '../provenance/provenance-types.js';

/** What of an experiment's report.json its tables are made from. */
export interface ExperimentReportTables {
  variants: readonly VariantSummary[];
  statistics: StudyStatistics;
  runs: readonly RunMetrics[];
  survey?: readonly SurveyTable[];
  /** Its persona measures (adherence, drift, self-consistency), where report.md has them. */
  personas?: PersonaTables;
  /** Its survey's answers by the respondents' persona attributes, where report.md has them. */
  surveyByAttribute?: readonly AttributeTable[];
  /** The runs its `blame:` blamed (blame.json), where it has one. */
  blame?: readonly BlamedRun[];
  /** What made it (report.json's `provenance`): written as `provenance.csv`. */
  provenance?: Provenance;
}

const CREDITS = column('credits', 'number', CREDITS_UNIT, 'what the agents spent');

function ends(name: string, unit: string, of: string): TableColumn[] {
  return [column(`${name}_low`, 'number', unit, `${of}, lower end`), column(`${name}_high`, 'number', unit, `${of}, upper end`)];
}

/** A column per form of delivery: `deliveries_direct`, … (src/format/mail-outcomes.ts). */
function formColumns(type: 'integer' | 'number', prefix: string): TableColumn[] {
  return DELIVERY_FORMS.map((form) => column(`deliveries_${form}`, type, 'readers', `${prefix}readers reached by ${FORM_WORDS[form]} (a message to k people reaches k, a speech each attendee who heard it)`));
}

function formCells(counts: FormCounts | undefined): Record<string, number | undefined> {
  return Object.fromEntries(DELIVERY_FORMS.map((form) => [`deliveries_${form}`, counts?.[form]]));
}

/** A column per cause of refusal: `refusals_chart`, … in sends (chart, cap) or agent-turns held with work (the others). */
function causeColumns(type: 'integer' | 'number', prefix: string): TableColumn[] {
  return REFUSAL_CAUSES.map((cause) =>
    column(`refusals_${cause}`, type, CAUSE_UNITS[cause], `${prefix}${CAUSE_UNITS[cause] === 'sends' ? 'sends refused' : 'agents with work not called'}: ${CAUSE_WORDS[cause]} (${CAUSE_SETTINGS[cause]})`),
  );
}

function causeCells(counts: RefusalCounts | undefined): Record<string, number | undefined> {
  return Object.fromEntries(REFUSAL_CAUSES.map((cause) => [`refusals_${cause}`, counts?.[cause]]));
}

/**
 * An experiment's tables: `runs` (one row per run: how it ended and its metrics), `variants` (one
 * row per variant: means over its repeats), `metrics` (one row per metric and variant: mean, its
 * interval, the difference from the baseline and its p), `reach` (one row per run and turn),
 * `activation` (one row per run and activation rule), and with a survey, `survey` (one row per
 * question, variant and choice) and `survey_answers` (one row per answer of each run's agents), with
 * persona measures report.md's `survey_by_attribute`, `adherence`, `adherence_by_turn` and
 * `self_consistency` (personas/persona-csv-tables.ts), and with `blame:`, blame's own `steps` and `blame_agents` (one row per blamed run and step, and agent). Pure.
 */
export function experimentTables(report: ExperimentReportTables): ReportTable[] {
  const values = new Map(report.statistics.runs.map((run) => [run.run, run.values]));
  const tables: ReportTable[] = [
    {
      name: 'runs',
      columns: [
        column('run', 'string', '', "the run's folder under the experiment's, <variant>-r<repeat>"),
        column('variant', 'string', '', 'its variant'),
        column('seed', 'integer', '', "its seed: the experiment's seed (or its variant's) plus its repeat's number less 1, given to its models that take one, its checks and its judge"),
        column('ended', 'string', '', `how it ended: ${Object.entries(RUN_ENDINGS).map(([ending, meaning]) => `${ending} (${meaning})`).join(', ')}`),
        column('held_by', 'string', '', 'with ended held: the limits that held the agents whose mail was left, joined by `;`: ceiling (org.yaml budget), breaker (engine.breakers), intervention (a `hold:` of org/interventions.yaml), budget (their own credits); empty otherwise'),
        column('turns', 'integer', 'turns', 'its last finished turn'),
        column('turns_to_idle', 'integer', 'turns', 'the turn it fell idle in; empty when it did not'),
        column('messages', 'integer', 'messages', 'messages the agents sent'),
        ...formColumns('integer', ''),
        column('refusals', 'integer', 'sends', 'sends refused, by the chart and the per-turn cap (each apart below)'),
        ...causeColumns('integer', ''),
        column('errors', 'integer', 'errors', "agents' calls that failed"),
        column('calls', 'integer', 'calls', 'model calls made'),
        column('calls_at_max_steps', 'integer', 'calls', "calls stopped at org.yaml engine.max_steps, their tools' last results unseen by the model"),
        CREDITS,
        column('human_answer_turn', 'integer', 'turn', 'the turn of the first message an agent wrote to the human; empty when none did'),
        column('human_answer_from', 'string', '', 'who wrote it'),
        column('score', 'number', "the judge's scale", "the judge's score (else the mean of the checks' scores); empty without either"),
        column('pass_rate', 'number', 'proportion (0 to 1)', 'the share of its checks that passed; empty without checks'),
        column('wall_ms', 'integer', 'milliseconds', 'wall time of its attempts together'),
        column('attempts', 'integer', 'attempts', 'times it was started: 1, and 1 more for each resume after a failure or a kill (a survey question due after a turn pauses the run there; that is not counted)'),
      ],
      rows: report.runs.map((run) => ({
        run: run.run,
        variant: run.variant,
        seed: run.outcome?.seed,
        ended: run.ended,
        held_by: run.heldBy?.join(';'),
        turns: run.turns,
        turns_to_idle: run.turnsToIdle,
        messages: run.messages,
        ...formCells(run.deliveries),
        refusals: run.refusals,
        ...causeCells(run.refusalsByCause),
        errors: run.errors,
        calls: run.calls,
        calls_at_max_steps: run.callsAtMaxSteps,
        credits: run.credits,
        human_answer_turn: run.humanAnswer?.turn,
        human_answer_from: run.humanAnswer?.from,
        score: values.get(run.run)?.score,
        pass_rate: values.get(run.run)?.pass_rate,
        wall_ms: Math.round(run.wallMs),
        attempts: run.attempts,
      })),
    },
    {
      name: 'variants',
      columns: [
        column('variant', 'string', '', 'the variant'),
        column('runs', 'integer', 'runs', 'its complete runs (repeats)'),
        column('idle', 'integer', 'runs', 'runs that fell idle, with no mail left but for the person'),
        column('held', 'integer', 'runs', 'runs that ended with mail left only for agents a limit held (runs.csv held_by); the rest hit the turn cap, were stopped or failed'),
        column('turns_to_idle', 'number', 'turns', 'the mean turn the runs that fell idle did; empty when none did'),
        column('messages', 'number', 'messages', 'mean messages sent per run'),
        ...formColumns('number', 'mean per run: '),
        column('refusals', 'number', 'sends', 'mean sends refused per run, by the chart and the per-turn cap'),
        ...causeColumns('number', 'mean per run: '),
        column('errors', 'number', 'errors', 'mean failed calls per run'),
        column('credits', 'number', CREDITS_UNIT, 'mean credits spent per run'),
        column('human_answered', 'integer', 'runs', 'runs in which the human got an answer'),
        column('human_answer_turn', 'number', 'turn', 'the mean turn of that answer'),
        column('wall_ms', 'integer', 'milliseconds', 'mean wall time per run'),
      ],
      rows: report.variants.map((variant) => ({
        variant: variant.variant,
        runs: variant.runs,
        idle: variant.idle,
        held: variant.held,
        turns_to_idle: variant.turnsToIdle,
        messages: variant.messages,
        ...formCells(variant.deliveries),
        refusals: variant.refusals,
        ...causeCells(variant.refusalsByCause),
        errors: variant.errors,
        credits: variant.credits,
        human_answered: variant.humanAnswered,
        human_answer_turn: variant.humanAnswerTurn,
        wall_ms: variant.wallMs,
      })),
    },
    {
      name: 'metrics',
      columns: [
        column('metric', 'string', '', 'score, pass_rate, credits, turns_to_answer, messages or refusals (as in runs.csv)'),
        column('better', 'string', '', 'which way is better: higher or lower; empty for a count that is neither (messages)'),
        column('variant', 'string', '', 'the variant'),
        column('n', 'integer', 'runs', 'runs with a value (the unit of the intervals and tests)'),
        column('mean', 'number', "the metric's own", "the mean over its runs"),
        column('sd', 'number', "the metric's own", 'their standard deviation'),
        ...ends('ci', "the metric's own", "the mean's 95% t interval over the variant's runs, kept within what the metric can be; empty with fewer than 2"),
        column('cut_at', 'string', "the metric's own", 'where that interval reached past what the metric can be (0 or the judge\'s scale for a score every run of which a judge gave, 1 for pass_rate, 0 for a count or credits) and was cut there; empty when it stayed within: the runs lie near that end and the interval is rougher than 95%'),
        column('difference', 'number', "the metric's own", "mean − the baseline's mean; empty for the baseline"),
        ...ends('difference', "the metric's own", "the difference's 95% interval (Welch's t, or as difference_method says), kept within what a difference can be (-1 to 1 for pass_rate); empty with fewer than 2 runs a side"),
        column('difference_cut_at', 'string', "the metric's own", 'where that interval reached past what a difference can be and was cut there; empty when it stayed within'),
        column('p', 'number', 'probability', 'two-sided permutation test of the difference, over the runs'),
        column('p_adjusted', 'number', 'probability', "p adjusted by Holm's step-down for every variant compared with the baseline on the same metric; report.md's reading uses it"),
        column('ci_method', 'string', '', "how ci_low and ci_high were made: t (a t interval over the runs); clopper-pearson (a pass rate whose every run is 0 or 1, over one check, alike or not: the Clopper–Pearson interval of the runs as trials); wilson (every run gave the same value on a metric with bounds, other than a pass rate at 0 or 1, a pass rate or a judged score: the Wilson interval of the runs as trials, within the bounds); none (every run gave the same value on a metric with no upper bound, a count or credits: the runs show no spread to build an interval from, and one of no width would say the figure is known); empty with fewer than 2 runs"),
        column('difference_method', 'string', '', "how difference_low and difference_high were made: welch; newcombe-clopper-pearson (every run of both sides 0 or 1 on pass_rate, alike or not: the two sides' Clopper–Pearson intervals combined, Newcombe's hybrid score interval from them, where Welch's t of 0/1 runs held its truth in as little as 91.6 % of studies); newcombe (every run of both sides alike on a metric with bounds, other than that: the two sides' own intervals combined, as ci_method says); mover (every run of one side alike on a metric with bounds: that side's own interval combined with the other side's, as ci_method says, where Welch's t would take the alike side as known); none (every run of one side or both alike on a metric with no upper bound); empty for the baseline and with fewer than 2 runs a side"),
      ],
      rows: report.statistics.metrics.flatMap((metric) =>
        Object.entries(metric.variants).map(([variant, summary]) => ({
          metric: metric.key,
          better: metric.better ?? undefined,
          variant,
          n: summary.n,
          mean: summary.mean,
          sd: summary.sd,
          ci_low: summary.ci?.[0],
          ci_high: summary.ci?.[1],
          cut_at: summary.cutAt?.join(' '),
          difference: summary.versusBaseline?.difference,
          difference_low: summary.versusBaseline?.ci?.[0],
          difference_high: summary.versusBaseline?.ci?.[1],
          difference_cut_at: summary.versusBaseline?.cutAt?.join(' '),
          p: summary.versusBaseline?.p,
          p_adjusted: summary.versusBaseline?.adjustedP,
          ci_method: methodCell(summary),
          difference_method: summary.versusBaseline ? methodCell(summary.versusBaseline) : undefined,
        })),
      ),
    },
    ...spreadTables(report.runs),
  ];
  if (report.survey && report.survey.length > 0) tables.push(...surveyTables(report.survey, report.runs));
  if (report.surveyByAttribute) tables.push(...surveyByAttributeCsvTable(report.surveyByAttribute));
  if (report.personas) tables.push(...personaCsvTables(report.personas));
  if (report.blame) tables.push(...experimentBlameTables(report.blame));
  return [...tables, ...provenanceTables(report.provenance)];
}

/** How an interval was made, as metrics.csv says it: its method, `none` for runs alike with no interval, empty for too few runs. */
function methodCell(summary: { method?: string; alike?: true }): string | undefined {
  return summary.method ?? (summary.alike ? 'none' : undefined);
}

/**
 * How far each run's mail spread, turn by turn, and how each activation rule drew, as `lemming analyze`
 * gives them for one org (its `reach` and `activation` tables), a run's rows beside the others': the run
 * is the unit, so a variant's curve is its runs' rows, not a mean over them.
 */
function spreadTables(runs: readonly RunMetrics[]): ReportTable[] {
  const run = [column('run', 'string', '', 'the run'), column('variant', 'string', '', 'its variant')];
  return [
    {
      name: 'reach',
      columns: [
        ...run,
        column('turn', 'integer', 'turn', "one of the run's turns, from the turn of its first delivery (from a fork point, its own turns)"),
        column('reached', 'integer', 'agents', "agents (the person left out) a delivery of any form had reached by the end of the turn, counted from the org's start"),
      ],
      rows: runs.flatMap((each) => (each.reach ?? []).map((turn) => ({ run: each.run, variant: each.variant, turn: turn.turn, reached: turn.reached }))),
    },
    {
      name: 'activation',
      columns: [
        ...run,
        column('rule', 'integer', '', "the rule's place in the run's org.yaml engine.activation.rules, from 1"),
        column('match', 'string', '', 'its match, as the run\'s org.yaml says it'),
        column('governed', 'integer', 'agent-turns', "agents with work it governed, summed over the run's turns"),
        column('drawn', 'integer', 'agent-turns', 'of them, those it drew: they acted (the rest are refusals_activation)'),
        column('agents_drawn', 'integer', 'agents', "the distinct agents it drew over the run's turns; empty: unknown (turns recorded before lemming kept the names)"),
        column('agents_never_drawn', 'integer', 'agents', "the agents with work it governed and never drew over the run's turns; empty: unknown, as for agents_drawn"),
      ],
      rows: runs.flatMap((each) => (each.activation ?? []).map((rule) => ({ run: each.run, variant: each.variant, rule: rule.rule, match: rule.match, governed: rule.governed, drawn: rule.drawn, agents_drawn: rule.agentsDrawn, agents_never_drawn: rule.neverDrawn?.length }))),
    },
  ];
}

/** The survey's tally per question, variant and choice, and every answer of every run. */
function surveyTables(survey: readonly SurveyTable[], runs: readonly RunMetrics[]): ReportTable[] {
  const question = [column('question_index', 'integer', '', "the question's place in the experiment's survey:, from 0"), column('question', 'string', '', 'the question asked')];
  return [
    {
      name: 'survey',
      columns: [
        ...question,
        column('kind', 'string', '', 'choices, number or text'),
        column('variant', 'string', '', 'the variant'),
        column('answers', 'integer', 'answers', "answers given in its runs (calls that failed are not answers)"),
        column('choice', 'string', '', 'a choice (choice questions), or unreadable: the answers that named none'),
        column('count', 'integer', 'answers', 'answers that named it'),
        column('n', 'integer', 'answers', 'numbers read (numeric questions)'),
        column('mean', 'number', "the question's own", "their mean: with two runs or more, the mean of the runs' own means (each run one unit)"),
        column('sd', 'number', "the question's own", "the answers' standard deviation"),
        ...ends('ci', "the question's own", "the mean's 95% interval over `unit`s: a t interval over the runs, or with one run a bootstrap over its agents"),
        column('unit', 'string', '', "what the interval rests on: run (the agents of a run answer under the same run and are not independent) or agent (one run's agents, when there is one run)"),
        column('units', 'integer', 'runs or agents', 'how many of that unit (the effective n of the interval)'),
        column('cut_at', 'string', "the question's own", 'where that interval reached past the scale the question names ("from 1 to 5") and was cut there, both ends separated by a space; empty when it stayed within: the runs lie near that end and the interval is rougher than 95%'),
        column('alike', 'boolean', '', "true when every unit gave the same mean: the interval is then the Wilson interval of the units as trials on the question's scale, or empty where the question names none (an interval of no width would say the mean is known); empty otherwise"),
      ],
      rows: survey.flatMap((table) =>
        table.variants.flatMap((cell) => {
          const base = { question_index: table.index, question: table.question, kind: table.kind, variant: cell.variant, answers: cell.answers };
          if (cell.counts) return Object.entries(cell.counts).map(([choice, count]) => ({ ...base, choice, count }));
          if (cell.numbers) return [{ ...base, n: cell.numbers.n, mean: cell.numbers.mean, sd: cell.numbers.sd, ci_low: cell.numbers.ci?.[0], ci_high: cell.numbers.ci?.[1], unit: cell.numbers.unit, units: cell.numbers.units, cut_at: cell.numbers.cutAt?.join(' '), alike: cell.numbers.alike }];
          return [base];
        }),
      ),
    },
    {
      name: 'survey_answers',
      columns: [
        column('run', 'string', '', 'the run'),
        column('variant', 'string', '', 'its variant'),
        ...question,
        column('asked_after_turn', 'integer', 'turn', 'the last finished turn when it was asked'),
        column('agent', 'string', '', 'the agent asked'),
        column('choice', 'string', '', 'the choice its answer named; empty when none could be read'),
        column('number', 'number', "the question's own", 'the number its answer gave; empty when none could be read'),
        column('answer', 'string', '', 'the answer as the model wrote it'),
        column('error', 'string', '', 'why there is no answer: the call failed'),
      ],
      rows: runs.flatMap((run) =>
        (run.survey ?? []).flatMap((round) =>
          round.answers.map((answer) => ({
            run: run.run,
            variant: run.variant,
            question_index: round.index,
            question: round.question.text,
            asked_after_turn: round.askedAfterTurn,
            agent: answer.agent,
            choice: answer.choice,
            number: answer.number,
            answer: answer.raw,
            error: answer.error,
          })),
        ),
      ),
    },
  ];
}
