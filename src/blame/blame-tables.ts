import { column, CREDITS_UNIT, type ReportTable, type TableColumn } from '../tables/report-table.js';
import type { FlipRate } from './blame-ranking.js';
import type { BlameReport } from './blame-run.js';
import { provenanceTables } from '../provenance/provenance-table.js';

/** One blamed run of an experiment (blame.json's entries; blame-experiment.ts), as the tables need it. */
export interface BlamedRun {
  run: string;
  report?: BlameReport;
}

const RATE = 'proportion (0 to 1)';

/** A pass rate's columns: forks, passes, the rate and its Wilson interval, and what the forks spent (`prefix` names the control's). */
function rateColumns(prefix: string, of: string): TableColumn[] {
  return [
    column(`${prefix}forks`, 'integer', 'forks', `${of}: forks run`),
    column(`${prefix}passed`, 'integer', 'forks', `${of}: forks that passed the check`),
    column(`${prefix}rate`, 'number', RATE, `${of}: passed / forks`),
    column(`${prefix}rate_low`, 'number', RATE, `${of}: the rate's 95% Wilson interval, lower end (the fork the unit)`),
    column(`${prefix}rate_high`, 'number', RATE, `${of}: the rate's 95% Wilson interval, upper end`),
    column(`${prefix}calls`, 'integer', 'calls', `${of}: model calls the forks made from the step's turn on (the turns before are copied from the history)`),
    column(`${prefix}credits`, 'number', CREDITS_UNIT, `${of}: what those calls were charged, as the forks' ledgers say`),
  ];
}

function rateCells(prefix: string, rate: FlipRate | undefined) {
  return {
    [`${prefix}forks`]: rate?.forks,
    [`${prefix}passed`]: rate?.passed,
    [`${prefix}rate`]: rate?.rate,
    [`${prefix}rate_low`]: rate?.interval[0],
    [`${prefix}rate_high`]: rate?.interval[1],
    [`${prefix}calls`]: rate?.calls,
    [`${prefix}credits`]: rate?.credits,
  };
}

/** `lemming blame`'s tables, then `provenance` (what made them). Pure. */
export function blameTables(report: BlameReport): ReportTable[] {
  return [...blameFigureTables(report), ...provenanceTables(report.provenance)];
}

/**
 * Blame's figures as tables: `steps` (the steps ranked, most to blame first: the changed forks'
 * pass rate against the controls', Fisher's p, the verdict) and `blame_agents` (the agents, ranked by
 * their best step). An experiment's `blame:` writes these for each run, beside its own provenance. Pure.
 */
function blameFigureTables(report: BlameReport): ReportTable[] {
  return [
    {
      name: 'steps',
      columns: [
        column('rank', 'integer', '', 'its place in the ranking, 1 most to blame'),
        column('turn', 'integer', 'turn', 'the turn of the call'),
        column('agent', 'string', '', 'the agent called'),
        ...rateColumns('', 'the call changed (another seed, or the repair model)'),
        ...rateColumns('control_', 'the call re-run as it was (empty: no control ran)'),
        column('effect', 'number', RATE, 'rate − control_rate; empty without a control'),
        column('p', 'number', 'probability', "Fisher's exact two-sided p of the changed forks against the controls"),
        column('p_adjusted', 'number', 'probability', "p adjusted for every step tested against a control (Holm's step-down with each step's attainable p-values); the verdict reads it"),
        column('verdict', 'string', '', 'effect, unclear, noise, none, no-control or not-run (docs/validation.md)'),
      ],
      rows: report.steps.map((step, index) => ({ rank: index + 1, turn: step.turn, agent: step.agent, ...rateCells('', step), ...rateCells('control_', step.control), effect: step.effect, p: step.p, p_adjusted: step.adjustedP, verdict: step.verdict })),
    },
    {
      name: 'blame_agents',
      columns: [
        column('agent', 'string', '', 'the agent'),
        column('steps', 'integer', 'steps', 'its calls that were forked'),
        ...rateColumns('', 'its changed forks pooled'),
        column('best_rank', 'integer', '', 'where its best step stands in the step ranking'),
        column('best_turn', 'integer', 'turn', 'the turn of its best step'),
        column('best_verdict', 'string', '', "its best step's verdict"),
      ],
      rows: report.agents.map((agent) => ({ agent: agent.agent, steps: agent.steps, ...rateCells('', agent), best_rank: agent.best.rank, best_turn: agent.best.turn, best_verdict: agent.best.verdict })),
    },
  ];
}

/**
 * An experiment's `blame:` as tables: the same `steps` and `blame_agents` as `lemming blame`'s, made
 * by the same builder, a row per blamed run's step (and agent), each led by its run. A run that could
 * not be blamed has no rows (blame.json and report.md say why). Pure.
 */
export function experimentBlameTables(blamed: readonly BlamedRun[]): ReportTable[] {
  const run = column('run', 'string', '', "the experiment's run blamed (its folder, <variant>-r<repeat>), which failed the blame: check");
  const perRun = blamed.flatMap((each) => (each.report === undefined ? [] : [{ run: each.run, tables: blameFigureTables(each.report) }]));
  const shapes = perRun[0]?.tables ?? [];
  return shapes.map((shape, index) => ({
    name: shape.name,
    columns: [run, ...shape.columns],
    rows: perRun.flatMap((each) => (each.tables[index]?.rows ?? []).map((row) => ({ run: each.run, ...row }))),
  }));
}
