import { expect } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { matchText, type PlantedStudy } from './plan.js';
import { CAUSES, type Cause, type Form, type Truths } from './truths.js';

/*
 * What every planted study's tests hold an analysis to (`analyze --json`, `GET /api/analysis`, the
 * library's analyze()): each figure against the truths computed from the plan (truths.ts).
 */

/** A command that must succeed: its status 0, else its stderr said. */
export function ok(result: CliResult, what: string): CliResult {
  expect(result.status, `${what}: ${result.stderr}`).toBe(0);
  return result;
}

/** Whether the chart has the edge `from → to` (the human's send_to is its opening's names). */
export function onChart(study: PlantedStudy, from: string, to: string): boolean {
  if (from === 'human') return study.opening.some((send) => send.to.includes(to));
  return study.agents.find((agent) => agent.name === from)?.sendTo.includes(to) ?? false;
}

/** An analysis's edges as `from to` → deliveries and forms, as the truths keep them. */
function edgesOf(used: ReadonlyArray<{ from: string; to: string; messages: number; forms: Record<Form, number> }>): Map<string, { messages: number; forms: Record<Form, number> }> {
  return new Map(used.map((edge) => [`${edge.from} ${edge.to}`, { messages: edge.messages, forms: edge.forms }]));
}

/** The analysis's figures a study is held to, out of `analyze --json`, the dashboard's API or the library. */
export interface AnalysisFigures {
  messages: number;
  deliveries: Record<Form, number>;
  refusals: Record<Cause, number>;
  refusalsByTurn: Array<{ turn: number } & Record<Cause, number>>;
  activation: Array<{ rule: number; match: string; governed: number; drawn: number }>;
  reach: Array<{ turn: number; reached: number }>;
  agents: Array<{ agent: string; credits: number }>;
  edges: { used: Array<{ from: string; to: string; messages: number; forms: Record<Form, number>; onChart: boolean }> };
}

/** Every figure of an analysis against the truths. */
export function expectPlanted(analysis: AnalysisFigures, planted: Truths, study: PlantedStudy, where: string): void {
  expect(analysis.messages, `${where}: messages`).toBe(planted.messages);
  expect(analysis.deliveries, `${where}: readers by form`).toEqual(planted.deliveries);
  expect(analysis.refusals, `${where}: refusals by cause`).toEqual(planted.refusals);
  expect(analysis.refusalsByTurn, `${where}: refusals by turn`).toEqual(planted.refusalsByTurn);
  expect(
    analysis.activation.map(({ rule, governed, drawn }) => ({ rule, governed, drawn })),
    `${where}: draws by rule`,
  ).toEqual(planted.draws);
  expect(analysis.activation.map((rule) => rule.match), `${where}: each rule's match`).toEqual(planted.draws.map((rule) => matchText(study.activation[rule.rule - 1] ?? {})));
  expect(analysis.reach, `${where}: reach by turn`).toEqual(planted.reach);
  expect(Object.fromEntries(analysis.agents.filter((agent) => agent.agent !== 'human').map((agent) => [agent.agent, agent.credits])), `${where}: credits by agent`).toEqual(planted.creditsByAgent);
  expect(edgesOf(analysis.edges.used), `${where}: deliveries per edge, by form`).toEqual(planted.edges);
  for (const edge of analysis.edges.used) expect(edge.onChart, `${where}: ${edge.from} → ${edge.to} on the chart`).toBe(onChart(study, edge.from, edge.to));
}


/** A folder of CSVs as tests/helpers/read-csv.ts reads it: table → rows. */
type Tables = Record<string, Array<Record<string, string>>>;

/** `analyze --csv`'s refusals.csv: a row per turn and cause, as planted. */
export function expectRefusalRows(tables: Tables, planted: Truths): void {
  expect((tables.refusals ?? []).map((row) => [Number(row.turn), row.cause, Number(row.count)]), 'refusals.csv').toEqual(
    planted.refusalsByTurn.flatMap((turn) => CAUSES.filter((cause) => turn[cause] > 0).map((cause) => [turn.turn, cause, turn[cause]])),
  );
}

/**
 * reach.csv and activation.csv as planted: `analyze --csv`'s, or with `run` an experiment's rows of that
 * run (its variant's name, the runs being one repeat each), each rule's `match` as org.yaml says it.
 */
export function expectSpreadRows(tables: Tables, planted: Truths, study: PlantedStudy, run?: string): void {
  const own = (rows: Tables[string] | undefined) => (rows ?? []).filter((row) => run === undefined || (row.run === run && row.variant === run));
  expect(own(tables.reach).map((row) => ({ turn: Number(row.turn), reached: Number(row.reached) })), `${run ?? 'analyze'}: reach.csv`).toEqual(planted.reach);
  expect(own(tables.activation).map((row) => ({ rule: Number(row.rule), match: row.match, governed: Number(row.governed), drawn: Number(row.drawn) })), `${run ?? 'analyze'}: activation.csv`).toEqual(
    planted.draws.map((rule) => ({ ...rule, match: matchText(study.activation[rule.rule - 1] ?? {}) })),
  );
}

/** `analyze --reference --labels --json` of one run: its network's people and pairs, reciprocity and the share inside departments, as planted. */
export function expectNetworkPlanted(json: string, planted: Truths, study: PlantedStudy): void {
  const comparison = JSON.parse(json) as { runs: Array<{ people: number; edges: number }>; rows: Array<{ measure: string; runs: number[] }> };
  expect(comparison.runs[0]).toMatchObject({ people: study.agents.length, edges: planted.pairs });
  expect(comparison.rows.find((row) => row.measure === 'reciprocity')?.runs, 'reciprocity').toEqual([planted.reciprocity]);
  expect(comparison.rows.find((row) => row.measure === 'insideDepartments')?.runs, 'share inside departments').toEqual([planted.insideDepartments]);
}
