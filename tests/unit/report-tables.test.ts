import { describe, expect, test } from 'vitest';
import { blameTables } from '../../src/blame/blame-tables.js';
import type { BlameReport } from '../../src/blame/blame-run.js';
import { experimentTables, type ExperimentReportTables } from '../../src/experiment/experiment-tables.js';
import { writeTables } from '../../src/tables/write-tables.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { tempDir } from '../helpers/temp-dirs.js';

const rate = (forks: number, passed: number) => ({ forks, passed, rate: passed / forks, interval: [0.1, 0.9] as [number, number], calls: forks, credits: forks / 100 });

describe("reports' tables, as a pandas or R user reads them", () => {
  test("blame's steps keep the ranking's order, and a step without a control has empty control columns", () => {
    const report = {
      steps: [
        { turn: 3, agent: 'planner', ...rate(3, 3), control: rate(3, 0), effect: 1, p: 0.1, adjustedP: 0.2, verdict: 'unclear' },
        { turn: 1, agent: 'manager', ...rate(3, 1), verdict: 'no-control' },
      ],
      agents: [{ agent: 'planner', steps: 1, ...rate(3, 3), best: { rank: 1, turn: 3, forks: 3, passed: 3, rate: 1, verdict: 'unclear' } }],
    } as unknown as BlameReport;
    const folder = tempDir();
    writeTables(folder, blameTables(report));
    const tables = readTablesFolder(folder);
    expect(tables.steps?.map((row) => [row.rank, row.turn, row.agent, row.rate, row.control_rate, row.effect, row.p_adjusted, row.verdict])).toEqual([
      ['1', '3', 'planner', '1', '0', '1', '0.2', 'unclear'],
      ['2', '1', 'manager', '0.3333333333333333', '', '', '', 'no-control'],
    ]);
    expect(tables.blame_agents?.[0]).toMatchObject({ agent: 'planner', best_rank: '1', best_verdict: 'unclear' });
  });

  test("blame's step credits, summed over its forks, are written to the billionth: 0.0504225, not 0.050422499999999995", () => {
    const spent = 0.0168075 + 0.0168075 + 0.0168075;
    const report = { steps: [{ turn: 2, agent: 'planner', ...rate(3, 1), credits: spent, verdict: 'no-control' }], agents: [] } as unknown as BlameReport;
    const folder = tempDir();
    writeTables(folder, blameTables(report));
    expect(readTablesFolder(folder).steps?.[0]?.credits).toBe('0.0504225');
  });

  test("an experiment's survey is one row per question, variant and choice, and one per answer of each run", () => {
    const run = (name: string, variant: string, choices: string[]) => ({
      run: name,
      variant,
      ended: 'idle',
      turns: 2,
      turnsToIdle: 2,
      messages: 1,
      refusals: 0,
      errors: 0,
      calls: 2,
      credits: 0.5,
      creditsByAgent: {},
      creditsByModel: {},
      humanAnswer: null,
      wallMs: 10,
      attempts: 1,
      survey: [{ index: 0, question: { text: 'Busy?', choices: ['yes', 'no'] }, due: 'end', askedAfterTurn: 2, answers: choices.map((choice, index) => ({ agent: `a${index}`, model: 'offline', raw: choice, credits: 0, choice })) }],
    });
    const report = {
      variants: [],
      statistics: { seed: 1, baseline: 'baseline', metrics: [{ key: 'credits', label: 'credits', better: 'lower', variants: { baseline: { n: 1, mean: 0.5, sd: null, ci: null }, lean: { n: 1, mean: 0.5, sd: null, ci: null, versusBaseline: { difference: 0, ci: [0, 0], p: 1 } } } }], passK: {}, runs: [] },
      runs: [run('baseline-r1', 'baseline', ['yes', 'no']), run('lean-r1', 'lean', ['yes'])],
      survey: [{ index: 0, question: 'Busy?', kind: 'choices', choices: ['yes', 'no'], variants: [{ variant: 'baseline', answers: 2, counts: { yes: 1, no: 1 } }, { variant: 'lean', answers: 1, counts: { yes: 1, no: 0 } }] }],
    } as unknown as ExperimentReportTables;
    const folder = tempDir();
    writeTables(folder, experimentTables(report));
    const tables = readTablesFolder(folder);
    expect(tables.survey?.map((row) => [row.variant, row.choice, row.count])).toEqual([['baseline', 'yes', '1'], ['baseline', 'no', '1'], ['lean', 'yes', '1'], ['lean', 'no', '0']]);
    expect(tables.survey_answers?.map((row) => [row.run, row.agent, row.choice])).toEqual([['baseline-r1', 'a0', 'yes'], ['baseline-r1', 'a1', 'no'], ['lean-r1', 'a0', 'yes']]);
    expect(tables.metrics?.map((row) => [row.variant, row.mean, row.difference, row.p])).toEqual([['baseline', '0.5', '', ''], ['lean', '0.5', '0', '1']]);
    expect(tables.runs?.map((row) => [row.run, row.human_answer_turn, row.score])).toEqual([['baseline-r1', '', ''], ['lean-r1', '', '']]);
  });
});
