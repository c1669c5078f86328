/**
 * A figure with its interval built over the right unit of repetition. A study's runs are its
 * repetitions: with two or more, the figure is the mean of each run's own value and its interval a
 * t interval over runs (a percentile bootstrap over 3 to 5 runs covers far less than 95 %). With one
 * run, the agents in it are the units: a cluster bootstrap over agents, each agent's values kept
 * together. Messages, answers and agent × run pairs are never the unit. Units whose values are all
 * alike give no interval of no width (runs-interval.ts): a bounded figure's Wilson interval over them,
 * or none. Pure.
 */
import { clusteredBootstrap } from './bootstrap.js';
import { ANY_RANGE, cutToRange, type FigureRange } from './figure-range.js';
import { allAlike, meanInterval } from './runs-interval.js';
import { mean } from './summary.js';

/** What an interval was resampled or computed over. */
export type RepetitionUnit = 'run' | 'agent';

/** A figure, its 95 % interval, and the units it rests on. */
export interface UnitEstimate {
  value: number;
  /** Within the figure's range; NaN ends where there is none (too few units, or units all alike on an unbounded figure). */
  interval: [number, number];
  /** The ends of the range the interval reached past and was cut at; absent when it stayed within. */
  cutAt?: number[];
  /** True when every unit (two or more) gave the same value: then the interval is a bounded figure's Wilson interval over them, or none. */
  alike?: true;
  /** The unit of repetition, and how many of it the interval rests on (the effective n). */
  unit: RepetitionUnit;
  units: number;
  /** How the interval was made: a t interval over runs, a cluster bootstrap over agents, or (units alike on a bounded figure) a Wilson interval over them. */
  method: 't over runs' | 'cluster bootstrap over agents' | 'Wilson over runs' | 'Wilson over agents';
}

/**
 * `statistic` over each run's clusters (a run's agents), and the figure over runs; or, for one run,
 * over its agents. `runs` holds, per run, its agents' data; a run or an agent with no data is left
 * out of the t interval (`statistic` says NaN for it). Fewer than two runs with a value: the agents
 * of them all are the units. `seed` draws the bootstrap; `range` is what the figure can be (a score 0 to
 * a judge's scale; anything unless said), which the interval is kept within.
 */
export function estimateOverUnits<T>(runs: ReadonlyArray<readonly T[]>, statistic: (agents: readonly T[]) => number, seed: number, range: FigureRange = ANY_RANGE): UnitEstimate {
  const perRun = runs.map((agents) => statistic(agents)).filter((value) => Number.isFinite(value));
  if (perRun.length >= 2) {
    const made = meanInterval(perRun, range);
    const method = made.method === 'wilson' ? 'Wilson over runs' : 't over runs';
    return { value: mean(perRun), ...within(made), unit: 'run', units: perRun.length, method };
  }
  const agents = runs.flat();
  const value = statistic(agents);
  const unit = { unit: 'agent', units: agents.length } as const;
  // Agents all alike resample to the same figure every time: a bootstrap of no width.
  const perAgent = agents.map((agent) => statistic([agent]));
  if (allAlike(perAgent)) {
    const made = meanInterval(perAgent, range);
    return { value, ...within(made), ...unit, method: made.method === 'wilson' ? 'Wilson over agents' : 'cluster bootstrap over agents' };
  }
  const { interval, cutAt } = cutToRange(clusteredBootstrap(agents, statistic, seed), range);
  return { value, interval, ...(cutAt && interval.every(Number.isFinite) ? { cutAt } : {}), ...unit, method: 'cluster bootstrap over agents' };
}

/** An interval of runs-interval.ts as a UnitEstimate holds it: NaN ends for none. */
function within(made: ReturnType<typeof meanInterval>): Pick<UnitEstimate, 'interval' | 'cutAt' | 'alike'> {
  return { interval: made.interval ?? [NaN, NaN], ...(made.cutAt ? { cutAt: made.cutAt } : {}), ...(made.alike ? { alike: true as const } : {}) };
}
