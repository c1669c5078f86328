import type { Experiment } from '../experiment-file.js';
import type { RunMetrics } from '../run-metrics.js';
import { bootstrapMean, bootstrapSlope } from '../../statistics/bootstrap.js';
import { wilsonInterval } from '../../statistics/proportions.js';
import { slope } from '../../statistics/regression.js';
import { seedOf } from '../../statistics/seeds.js';
import { mean, tidy, tidyPair } from '../../statistics/summary.js';
import { figure, interval, oneLine, table } from '../report-markdown.js';

/** Adherence in one variant: what its agents wrote, judged against their personas, over all its runs. */
export interface VariantAdherence {
  variant: string;
  /** Messages written by agents with a persona, and those the judge scored. */
  written: number;
  judged: number;
  /** Agents whose messages were scored. */
  agents: number;
  /** Mean score on the judge's scale, with a 95% bootstrap interval over the scored messages. */
  mean: number | null;
  ci: [number, number] | null;
  /** Drift: the least-squares slope of the score on the turn (per turn), with a 95% bootstrap interval; null when every message is of one turn. */
  drift: { perTurn: number; ci: [number, number] } | null;
  /** The mean score of each turn's messages. */
  byTurn: Array<{ turn: number; n: number; mean: number }>;
}

/** Self-consistency in one variant, for one question asked early and late. */
export interface VariantConsistency {
  variant: string;
  /** Agents that answered both times, readably, over the variant's runs. */
  agents: number;
  kept: number;
  changedWithCause: number;
  changedWithoutCause: number;
  /** The share consistent (kept, or changed with a cause), with its 95% Wilson interval. */
  share: number | null;
  ci: [number, number] | null;
}

/** The persona measures of a report. */
export interface PersonaTables {
  adherence?: { model: string; scale: number; variants: VariantAdherence[] };
  consistency: Array<{ question: string; indices: [number, number]; variants: VariantConsistency[] }>;
}

function adherenceOf(variant: string, runs: readonly RunMetrics[], seed: number): VariantAdherence {
  const own = runs.filter((run) => run.variant === variant);
  const scored = own.flatMap((run) => (run.personas?.adherence?.judged ?? []).flatMap((message) => (message.score === null ? [] : [{ ...message, score: message.score, run: run.run }])));
  const written = own.reduce((sum, run) => sum + (run.personas?.adherence?.written ?? 0), 0);
  const scores = scored.map((message) => message.score);
  const points = scored.map((message) => [message.turn, message.score] as const);
  const perTurn = slope(points);
  const turns = [...new Set(scored.map((message) => message.turn))].sort((left, right) => left - right);
  return {
    variant,
    written,
    judged: scored.length,
    agents: new Set(scored.map((message) => `${message.run}/${message.agent}`)).size,
    mean: scores.length > 0 ? tidy(mean(scores)) : null,
    ci: scores.length > 0 ? tidyPair(bootstrapMean(scores, seedOf(`${seed}:adherence:${variant}`))) : null,
    drift: Number.isFinite(perTurn) ? { perTurn: tidy(perTurn), ci: tidyPair(bootstrapSlope(points, seedOf(`${seed}:drift:${variant}`))) } : null,
    byTurn: turns.map((turn) => {
      const ofTurn = scored.filter((message) => message.turn === turn).map((message) => message.score);
      return { turn, n: ofTurn.length, mean: tidy(mean(ofTurn)) };
    }),
  };
}

/**
 * The persona measures per variant: adherence (mean and interval over the judged messages), its
 * drift over turns (the slope and its interval), and, for each question the survey asked early and
 * late, the share of agents consistent (Wilson interval). Intervals are seeded from the experiment's
 * seed and what they are of, as the report's others are. Pure.
 */
export function personaTables(experiment: Experiment, runs: readonly RunMetrics[]): PersonaTables {
  const seed = experiment.variants[0]?.outcome.seed ?? 1;
  const names = experiment.variants.map((variant) => variant.name);
  const tables: PersonaTables = { consistency: [] };
  const judged = runs.find((run) => run.personas?.adherence)?.personas?.adherence;
  if (experiment.personas && judged) tables.adherence = { model: judged.model, scale: judged.scale, variants: names.map((name) => adherenceOf(name, runs, seed)) };
  const questions = new Map<string, { question: string; indices: [number, number] }>();
  for (const run of runs) for (const pair of run.personas?.consistency ?? []) questions.set(pair.indices.join(':'), { question: pair.question, indices: pair.indices });
  for (const [key, found] of [...questions].sort((left, right) => left[1].indices[0] - right[1].indices[0])) {
    const variants = names.map((variant): VariantConsistency => {
      const records = runs.filter((run) => run.variant === variant).flatMap((run) => run.personas?.consistency.find((pair) => pair.indices.join(':') === key)?.records ?? []);
      const consistent = records.filter((record) => record.consistent).length;
      return {
        variant,
        agents: records.length,
        kept: records.filter((record) => !record.changed).length,
        changedWithCause: records.filter((record) => record.changed && record.consistent).length,
        changedWithoutCause: records.filter((record) => !record.consistent).length,
        share: records.length > 0 ? tidy(consistent / records.length) : null,
        ci: records.length > 0 ? tidyPair(wilsonInterval(consistent, records.length)) : null,
      };
    });
    tables.consistency.push({ ...found, variants });
  }
  return tables;
}

/** The persona section of report.md. Pure. */
export function renderPersonas(tables: PersonaTables): string[] {
  if (!tables.adherence && tables.consistency.length === 0) return [];
  const lines = ['## Personas', ''];
  const adherence = tables.adherence;
  if (adherence) {
    lines.push(
      `Adherence: each message an agent with a persona wrote, scored by the judge \`${adherence.model}\` from 0 to ${figure(adherence.scale)} for how well it keeps to that persona; the mean over the scored messages with a 95% bootstrap interval. Drift: the change in that score per turn (the least-squares slope over the messages, with a 95% bootstrap interval); below 0, agents slip out of their personas as the run goes on. The judge's calls were charged to the experiment's ledger (purpose \`adherence\`), never to an agent.`,
      '',
      ...table(
        ['variant', 'written', 'judged', 'agents', 'adherence', '95% interval', 'drift per turn', '95% interval'],
        adherence.variants.map((cell) => [cell.variant, String(cell.written), String(cell.judged), String(cell.agents), figure(cell.mean), interval(cell.ci), cell.drift ? figure(cell.drift.perTurn) : '–', interval(cell.drift?.ci)]),
      ),
      '',
    );
    const rows = adherence.variants.flatMap((cell) => cell.byTurn.map((turn) => [cell.variant, String(turn.turn), String(turn.n), figure(turn.mean)]));
    if (rows.length > 0) lines.push('Adherence by turn:', '', ...table(['variant', 'turn', 'messages', 'adherence'], rows), '');
  }
  for (const pair of tables.consistency) {
    lines.push(
      `### Self-consistency: ${oneLine(pair.question)}`,
      '',
      `Asked early and late (survey questions ${pair.indices[0] + 1} and ${pair.indices[1] + 1}). An agent is consistent when its answer did not change, or changed after mail between the two asks that spoke of the question (named a choice, or held half its key words); the share with a 95% Wilson interval.`,
      '',
      ...table(
        ['variant', 'agents', 'kept', 'changed, with a cause', 'changed, no cause', 'consistent', '95% interval'],
        pair.variants.map((cell) => [cell.variant, String(cell.agents), String(cell.kept), String(cell.changedWithCause), String(cell.changedWithoutCause), figure(cell.share), interval(cell.ci)]),
      ),
      '',
    );
  }
  return lines;
}
