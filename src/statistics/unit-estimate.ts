/**
 * A figure with its interval built over the right unit of repetition. A study's runs are its
 * repetitions: with two or more, the figure is the mean of each run's own value and its interval a
 * t interval over runs (a percentile bootstrap over 3 to 5 runs covers far less than 95 %). With one
 * run, the agents in it are the units: a cluster bootstrap over agents, each agent's values kept
 * together. Messages, answers and agent × run pairs are never the unit. Pure.
 */
import { clusteredBootstrap } from './bootstrap.js';
import { tInterval } from './student-t.js';
import { mean } from './summary.js';

/** What an interval was resampled or computed over. */
export type RepetitionUnit = 'run' | 'agent';

/** A figure, its 95 % interval, and the units it rests on. */
export interface UnitEstimate {
  value: number;
  interval: [number, number];
  /** The unit of repetition, and how many of it the interval rests on (the effective n). */
  unit: RepetitionUnit;
  units: number;
  /** How the interval was made: a t interval over runs, or a cluster bootstrap over agents. */
  method: 't over runs' | 'cluster bootstrap over agents';
}

/**
 * `statistic` over each run's clusters (a run's agents), and the figure over runs; or, for one run,
 * over its agents. `runs` holds, per run, its agents' data; a run or an agent with no data is left
 * out of the t interval (`statistic` says NaN for it). Fewer than two runs with a value: the agents
 * of them all are the units. `seed` draws the bootstrap.
 */
export function estimateOverUnits<T>(runs: ReadonlyArray<readonly T[]>, statistic: (agents: readonly T[]) => number, seed: number): UnitEstimate {
  const perRun = runs.map((agents) => statistic(agents)).filter((value) => Number.isFinite(value));
  if (perRun.length >= 2) return { value: mean(perRun), interval: tInterval(perRun), unit: 'run', units: perRun.length, method: 't over runs' };
  const agents = runs.flat();
  const value = statistic(agents);
  return { value, interval: clusteredBootstrap(agents, statistic, seed), unit: 'agent', units: agents.length, method: 'cluster bootstrap over agents' };
}
