import { describe, expect, test } from 'vitest';
import type { Experiment } from '../../src/experiment/experiment-file.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';
import { experimentTables } from '../../src/experiment/experiment-tables.js';
import type { StudyStatistics } from '../../src/experiment/study-statistics.js';
import { renderSurvey, surveyTables } from '../../src/experiment/survey-report.js';
import { bootstrapMean } from '../../src/statistics/bootstrap.js';
import { intervalCoverage, normalDraw } from '../../src/statistics/coverage.js';

/*
 * An experiment's numeric survey answers, with a run effect planted: each run draws its own level
 * (sd 1 around the truth, 0), and its agents answer around that level (sd 0.5). The agents of one run
 * answer under the same run and are not independent; the runs are the unit of repetition (STYLE.md,
 * "Statistics have one room"). The report's interval used to be a bootstrap over every answer pooled,
 * as if each were a run of its own: with 5 runs of 12 agents it rests on 60 "units" where there are 5,
 * and misses the truth about half the time. Held: the report's interval (surveyTables, as report.md,
 * report.json and survey.csv give it) covers about 95 % of the time, and says its unit and n.
 */

const RUNS = 5;
const AGENTS = 12;
const TRIALS = 300;

/** An experiment of one variant and one numeric question, as much of it as the survey's tables read. */
const EXPERIMENT = {
  variants: [{ name: 'baseline', outcome: { seed: 1 } }],
  survey: [{ question: { text: 'How busy are you, from 0 to 10?', number: true } }],
} as unknown as Experiment;

/** The runs of one simulated experiment: a level per run, its agents' answers around it. */
function plantedRuns(next: () => number, runs = RUNS): RunMetrics[] {
  return Array.from({ length: runs }, (_, run) => {
    const level = normalDraw(next);
    const answers = Array.from({ length: AGENTS }, (__, agent) => {
      const number = level + 0.5 * normalDraw(next);
      return { agent: `agent_${agent}`, model: 'offline', raw: String(number), credits: 0, number };
    });
    return { run: `baseline-r${run + 1}`, variant: 'baseline', survey: [{ index: 0, question: { text: 'How busy are you, from 0 to 10?', number: true }, due: 'end', askedAfterTurn: 3, answers }] } as unknown as RunMetrics;
  });
}

function numbersOf(runs: RunMetrics[]) {
  const numbers = surveyTables(EXPERIMENT, runs)[0]?.variants[0]?.numbers;
  if (!numbers) throw new Error('no numbers');
  return numbers;
}

describe("an experiment's numeric survey answers, with a run effect planted", () => {
  test('the bootstrap over answers undercovers; the interval over runs holds about 95 %', () => {
    // What the report gave before: every answer resampled as if independent.
    const pooled = intervalCoverage(0, TRIALS, 73, (next) => {
      const values = plantedRuns(next).flatMap((run) => run.survey?.[0]?.answers.map((answer) => answer.number as number) ?? []);
      return bootstrapMean(values, 7);
    });
    expect(pooled.share).toBeLessThan(0.65);
    // The report's own interval now: a t interval over the runs' means.
    const overRuns = intervalCoverage(0, TRIALS, 73, (next) => numbersOf(plantedRuns(next)).ci ?? [NaN, NaN]);
    expect(overRuns.share).toBeGreaterThan(0.91);
    expect(overRuns.shareInterval[0]).toBeLessThanOrEqual(0.95);
    expect(overRuns.shareInterval[1]).toBeGreaterThanOrEqual(0.95);
  });

  test('the figure says its unit and n: the runs, or one run\'s agents when there is one run; the report says it', () => {
    let state = 11;
    const next = (): number => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
    const runs = plantedRuns(next);
    const numbers = numbersOf(runs);
    expect({ n: numbers.n, unit: numbers.unit, units: numbers.units }).toEqual({ n: RUNS * AGENTS, unit: 'run', units: RUNS });
    // The figure is the mean of the runs' means (each run one unit), equal to the pooled mean when every run has as many answers.
    const means = runs.map((run) => (run.survey?.[0]?.answers ?? []).reduce((sum, answer) => sum + (answer.number as number), 0) / AGENTS);
    expect(numbers.mean).toBeCloseTo(means.reduce((sum, value) => sum + value, 0) / RUNS, 12);
    const lines = renderSurvey(surveyTables(EXPERIMENT, runs)).join('\n');
    expect(lines).toContain('| variant | n | mean | sd | 95% interval | over |');
    expect(lines).toMatch(new RegExp(`\\| baseline \\| ${RUNS * AGENTS} \\| [^|]+ \\| [^|]+ \\| \\[[^\\]]+\\] \\| ${RUNS} runs \\(t\\) \\|`));
    // survey.csv says the same: the unit and how many.
    const tables = experimentTables({ variants: [], statistics: { runs: [], metrics: [] } as unknown as StudyStatistics, runs, survey: surveyTables(EXPERIMENT, runs) });
    const row = tables.find((table) => table.name === 'survey')?.rows[0];
    expect([row?.n, row?.unit, row?.units, row?.ci_low, row?.ci_high]).toEqual([RUNS * AGENTS, 'run', RUNS, numbers.ci?.[0], numbers.ci?.[1]]);
    // One run: its agents are the only units there are, and the report says so.
    const one = numbersOf(runs.slice(0, 1));
    expect({ unit: one.unit, units: one.units }).toEqual({ unit: 'agent', units: AGENTS });
    expect(renderSurvey(surveyTables(EXPERIMENT, runs.slice(0, 1))).join('\n')).toContain(`| ${AGENTS} agents of 1 run (bootstrap) |`);
  });
});
