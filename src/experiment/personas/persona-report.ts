import type { Experiment } from '../experiment-file.js';
import type { RunMetrics } from '../run-metrics.js';
import { seedOf } from '../../statistics/seeds.js';
import { mean, tidy, tidyPair } from '../../statistics/summary.js';
import type { RepetitionUnit } from '../../statistics/unit-estimate.js';
import { adherenceEstimate, adherenceWarnings, consistencyInterval, driftEstimate, type AgentScores } from './persona-estimates.js';
import { figure, interval, oneLine, table } from '../report-markdown.js';
import { alikeWords } from '../../statistics/runs-interval.js';

/** Adherence in one variant: what its agents wrote, judged against their personas, over all its runs. */
export interface VariantAdherence {
  variant: string;
  /** Messages written by agents with a persona, and those the judge scored. */
  written: number;
  judged: number;
  /** Distinct agents whose messages were scored (people, not agent × run pairs), and the runs they were scored in. */
  agents: number;
  runs: number;
  /** Mean score on the judge's scale with its 95% interval: over runs (the mean of each run's mean, a t interval) with two or more runs, else over the run's agents (a cluster bootstrap, each agent's messages together). */
  mean: number | null;
  ci: [number, number] | null;
  /** The ends of the judge's scale (0, `scale`) the interval reached past and was cut at; absent when it stayed within. */
  cutAt?: number[];
  /** What the interval rests on: runs or agents, and how many. */
  unit: RepetitionUnit | null;
  units: number;
  /** True when every unit gave the same mean: `ci` is then the Wilson interval on the judge's scale (statistics/runs-interval.ts). */
  alike?: true;
  /** Drift: the within-agent slope of the score on the turn (per turn: each agent's messages centred on its own mean, so agents that differ throughout are no drift), its interval made as the mean's is; null when no agent wrote in two turns. */
  drift: { perTurn: number; ci: [number, number] | null; unit: RepetitionUnit; units: number; /** Every unit's slope the same: a slope has no bounds, so no interval (ci null). */ alike?: true } | null;
  /** The mean score of each turn's messages. */
  byTurn: Array<{ turn: number; n: number; mean: number }>;
}

/** Self-consistency in one variant, for one question asked early and late. */
export interface VariantConsistency {
  variant: string;
  /** Pairs of answers (an agent in a run that answered both times, readably), and the distinct agents behind them. */
  pairs: number;
  agents: number;
  kept: number;
  changedWithCause: number;
  changedWithoutCause: number;
  /** The share of pairs consistent (kept, or changed with a cause), with a 95% Wilson interval whose n is the agents, not the pairs: the same person asked in several runs is one person. */
  share: number | null;
  ci: [number, number] | null;
}

/** The persona measures of a report. */
export interface PersonaTables {
  adherence?: { model: string; scale: number; variants: VariantAdherence[]; /** Where its intervals cover less than they say (persona-estimates.ts). */ warnings: string[] };
  consistency: Array<{ question: string; indices: [number, number]; variants: VariantConsistency[] }>;
}

function adherenceOf(variant: string, runs: readonly RunMetrics[], scale: number, seed: number): VariantAdherence {
  const own = runs.filter((run) => run.variant === variant);
  const byRun = own.map((run) => {
    const agents = new Map<string, AgentScores>();
    for (const message of run.personas?.adherence?.judged ?? []) {
      if (message.score === null) continue;
      const agent = agents.get(message.agent) ?? { agent: message.agent, points: [] };
      agent.points.push([message.turn, message.score]);
      agents.set(message.agent, agent);
    }
    return [...agents.values()];
  });
  const scored = byRun.flat().flatMap((agent) => agent.points);
  const written = own.reduce((sum, run) => sum + (run.personas?.adherence?.written ?? 0), 0);
  const scoredRuns = byRun.filter((agents) => agents.length > 0);
  // Scores lie on the judge's scale, and so does their mean: a t interval over two runs can reach past it, and is cut there.
  const level = adherenceEstimate(scoredRuns, seedOf(`${seed}:adherence:${variant}`), scale);
  const drift = driftEstimate(scoredRuns, seedOf(`${seed}:drift:${variant}`));
  const turns = [...new Set(scored.map((point) => point[0]))].sort((left, right) => left - right);
  return {
    variant,
    written,
    judged: scored.length,
    agents: new Set(byRun.flat().map((agent) => agent.agent)).size,
    runs: scoredRuns.length,
    mean: scored.length > 0 ? tidy(level.value) : null,
    ci: scored.length > 0 && level.interval.every(Number.isFinite) ? tidyPair(level.interval) : null,
    ...(scored.length > 0 && level.cutAt ? { cutAt: level.cutAt } : {}),
    unit: scored.length > 0 ? level.unit : null,
    units: scored.length > 0 ? level.units : 0,
    ...(scored.length > 0 && level.alike ? { alike: true as const } : {}),
    drift: Number.isFinite(drift.value)
      ? { perTurn: tidy(drift.value), ci: drift.interval.every(Number.isFinite) ? tidyPair(drift.interval) : null, unit: drift.unit, units: drift.units, ...(drift.alike ? { alike: true as const } : {}) }
      : null,
    byTurn: turns.map((turn) => {
      const ofTurn = scored.filter((point) => point[0] === turn).map((point) => point[1]);
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
  if (experiment.personas && judged) {
    const variants = names.map((name) => adherenceOf(name, runs, judged.scale, seed));
    tables.adherence = { model: judged.model, scale: judged.scale, variants, warnings: adherenceWarnings(variants) };
  }
  const questions = new Map<string, { question: string; indices: [number, number] }>();
  for (const run of runs) for (const pair of run.personas?.consistency ?? []) questions.set(pair.indices.join(':'), { question: pair.question, indices: pair.indices });
  for (const [key, found] of [...questions].sort((left, right) => left[1].indices[0] - right[1].indices[0])) {
    const variants = names.map((variant): VariantConsistency => {
      const records = runs.filter((run) => run.variant === variant).flatMap((run) => run.personas?.consistency.find((pair) => pair.indices.join(':') === key)?.records ?? []);
      const consistent = records.filter((record) => record.consistent).length;
      const agents = new Set(records.map((record) => record.agent)).size;
      return {
        variant,
        pairs: records.length,
        agents,
        kept: records.filter((record) => !record.changed).length,
        changedWithCause: records.filter((record) => record.changed && record.consistent).length,
        changedWithoutCause: records.filter((record) => !record.consistent).length,
        share: records.length > 0 ? tidy(consistent / records.length) : null,
        ci: records.length > 0 ? tidyPair(consistencyInterval(consistent, records.length, agents)) : null,
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
      `Adherence: each message an agent with a persona wrote, scored by the judge \`${adherence.model}\` from 0 to ${figure(adherence.scale)} for how well it keeps to that persona. Drift: the change in that score per turn, the within-agent slope (each agent's messages centred on its own mean, so agents that differ throughout are not read as drift); below 0, agents slip out of their personas as the run goes on. Each 95% interval rests on the unit said beside it: with two or more runs, the runs (each run's own figure, a t interval); with one, its agents (a cluster bootstrap, an agent's messages kept together). Units that all gave the same figure show no spread: adherence, on the judge's scale, then has the Wilson interval of the units as trials on it; drift, a slope with no bounds, has none, and the cell says so. Messages are never the unit: an agent's messages are not independent of each other. The judge's calls were charged to the experiment's ledger (purpose \`adherence\`), never to an agent.`,
      '',
      ...table(
        ['variant', 'written', 'judged', 'agents', 'runs', 'adherence', '95% interval', 'drift per turn', '95% interval', 'over'],
        adherence.variants.map((cell) => [
          cell.variant,
          String(cell.written),
          String(cell.judged),
          String(cell.agents),
          String(cell.runs),
          figure(cell.mean),
          cell.alike && !cell.ci && cell.unit ? alikeWords(cell.units, cell.unit) : interval(cell.ci, cell.cutAt),
          cell.drift ? figure(cell.drift.perTurn) : '–',
          cell.drift?.alike && !cell.drift.ci ? alikeWords(cell.drift.units, cell.drift.unit) : interval(cell.drift?.ci),
          cell.unit ? `${cell.units} ${cell.unit}${cell.units === 1 ? '' : 's'}` : '–',
        ]),
      ),
      '',
    );
    if (adherence.warnings.length > 0) lines.push(...adherence.warnings, '');
    const rows = adherence.variants.flatMap((cell) => cell.byTurn.map((turn) => [cell.variant, String(turn.turn), String(turn.n), figure(turn.mean)]));
    if (rows.length > 0) lines.push('Adherence by turn:', '', ...table(['variant', 'turn', 'messages', 'adherence'], rows), '');
  }
  for (const pair of tables.consistency) {
    lines.push(
      `### Self-consistency: ${oneLine(pair.question)}`,
      '',
      `Asked early and late (survey questions ${pair.indices[0] + 1} and ${pair.indices[1] + 1}). An agent is consistent when its answer did not change, or changed after mail between the two asks that spoke of the question (named a choice, or held half its key words). The share is over the pairs of answers (an agent in a run); its 95% Wilson interval counts the agents, not the pairs, since the same person asked in several runs is one person.`,
      '',
      ...table(
        ['variant', 'pairs', 'agents', 'kept', 'changed, with a cause', 'changed, no cause', 'consistent', '95% interval'],
        pair.variants.map((cell) => [cell.variant, String(cell.pairs), String(cell.agents), String(cell.kept), String(cell.changedWithCause), String(cell.changedWithoutCause), figure(cell.share), interval(cell.ci)]),
      ),
      '',
    );
  }
  return lines;
}
