/**
 * The persona measures' figures and their intervals, each over its unit: adherence and drift over runs
 * (or one run's agents), self-consistency's share with the agents as its n. The report builds its
 * tables with these, and the coverage simulation (src/statistics/simulated-studies.ts, the bench's
 * `persona-coverage`, tests/statistics/) checks the very same functions on data whose truth is known. Pure.
 */
import { pooledMean } from '../../statistics/bootstrap.js';
import { wilsonInterval } from '../../statistics/proportions.js';
import { withinSlope } from '../../statistics/regression.js';
import { estimateOverUnits, type UnitEstimate } from '../../statistics/unit-estimate.js';

/** An agent's scored messages in one run, as (turn, score) points. */
export interface AgentScores {
  agent: string;
  points: Array<readonly [number, number]>;
}

/**
 * Adherence: the mean score, each run's own (its messages pooled) averaged with a t interval over runs;
 * one run, a cluster bootstrap over its agents. `runs` holds each run's scored agents; `scale` the top of
 * the judge's scale, from 0, which the interval is kept within (units all alike: a Wilson interval on it).
 */
export function adherenceEstimate(runs: ReadonlyArray<readonly AgentScores[]>, seed: number, scale = Infinity): UnitEstimate {
  return estimateOverUnits(runs, (agents) => pooledMean(agents.map((agent) => agent.points.map((point) => point[1]))), seed, [Number.isFinite(scale) ? 0 : -Infinity, scale]);
}

/** Drift: the within-agent slope of the score on the turn, over runs as adherence is. */
export function driftEstimate(runs: ReadonlyArray<readonly AgentScores[]>, seed: number): UnitEstimate {
  return estimateOverUnits(runs, (agents) => withinSlope(agents.map((agent) => agent.points)), seed);
}

/** Self-consistency's 95% interval: the share of `pairs` consistent, as a Wilson interval whose n is the distinct `agents` (the same person asked in several runs is one person). */
export function consistencyInterval(consistent: number, pairs: number, agents: number): [number, number] {
  return pairs === 0 ? [NaN, NaN] : wilsonInterval((consistent / pairs) * agents, agents);
}

/** What the bench's `measure-coverage` found for one run of 9 agents (docs/validation.md). */
const ONE_RUN_COVERAGE = '91 % (adherence) and 89 % (drift)';
const ONE_RUN_WITH_RUN_EFFECT = '39 % and 52 %';

/**
 * Where adherence's and drift's intervals cover less than 95 %, found by simulation (the bench's
 * `measure-coverage`, docs/validation.md), as the report's warning lines: a variant measured in one run
 * rests on a cluster bootstrap over its agents, which covers short with few agents and cannot see how
 * runs differ at all. Empty when every variant has two runs or more.
 */
export function adherenceWarnings(variants: ReadonlyArray<{ variant: string; unit: string | null; units: number }>): string[] {
  const single = variants.filter((variant) => variant.unit === 'agent');
  if (single.length === 0) return [];
  return [
    `Warning: ${single.map((variant) => `${variant.variant} (${variant.units} agent(s))`).join(', ')}: one run, so the interval is a cluster bootstrap over its agents: in simulation it held the truth in ${ONE_RUN_COVERAGE} of studies of 9 agents whose runs do not differ, and cannot see how runs differ (where they do, ${ONE_RUN_WITH_RUN_EFFECT}); run two or more repeats for an interval over runs.`,
  ];
}
