import { expect } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { matchText, type PlantedStudy } from './plan.js';
import type { Cause, Form, Truths } from './truths.js';

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

