/**
 * Studies whose truth is known, drawn to check by simulation how often an interval holds it: runs of
 * agents whose messages are scored (a level, an agent's own effect, a run's own effect, a drift over
 * turns and noise), and agents asked a question twice in each run (each with its own chance of keeping
 * its answer). The persona measures' intervals are checked on them (the bench's `measure-coverage`,
 * tests/statistics/measure-coverage.test.ts). Pure, given the draws.
 */
import { normalDraw } from './coverage.js';

/** How a scored study is drawn. Scores are on a judge's scale, not clipped: the truth stays a plain mean. */
export interface ScoredStudySettings {
  runs: number;
  agents: number;
  /** Turns 1 … turns, one scored message an agent a turn. */
  turns: number;
  level: number;
  /** Standard deviations: of an agent's own level, of a run's, of a message's noise. */
  agentSpread: number;
  runSpread: number;
  noise: number;
  /** The change a turn, an agent's own part of it and a run's (standard deviations); adherence's truth is the score at the mean turn. */
  drift: number;
  agentDriftSpread: number;
  runDriftSpread: number;
  /**
   * The agents are the org's: drawn once and the same in every run, and the truth is theirs (what
   * repeats of this org would average). With `newAgents`, each run's agents are drawn afresh from a
   * population whose truth is `level` and `drift`: a claim about personas beyond the org's agents.
   */
  newAgents?: boolean;
}

/** An agent's scored messages in one run, as (turn, score) points. */
export interface SimulatedAgent {
  agent: string;
  points: Array<readonly [number, number]>;
}

/** A drawn study: each run's agents, and the truths its figures estimate. */
export interface ScoredStudy {
  runs: SimulatedAgent[][];
  truth: { level: number; drift: number };
}

/** One study of scored messages, drawn with `next`. */
export function scoredStudy(settings: ScoredStudySettings, next: () => number): ScoredStudy {
  const drawAgents = (): Array<{ level: number; drift: number }> => Array.from({ length: settings.agents }, () => ({ level: settings.agentSpread * normalDraw(next), drift: settings.agentDriftSpread * normalDraw(next) }));
  const org = drawAgents();
  const runs = Array.from({ length: settings.runs }, () => {
    const agents = settings.newAgents ? drawAgents() : org;
    const run = { level: settings.runSpread * normalDraw(next), drift: settings.runDriftSpread * normalDraw(next) };
    return agents.map((agent, index): SimulatedAgent => ({
      agent: `a${index}`,
      points: Array.from({ length: settings.turns }, (_, turn) => [turn + 1, settings.level + agent.level + run.level + (settings.drift + agent.drift + run.drift) * (turn + 1) + settings.noise * normalDraw(next)] as const),
    }));
  });
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  // The org's agents: each writes alike (one message a turn), so a run's pooled mean and within-agent slope weigh them alike.
  // Adherence is the mean over a run's messages, so the drift over its turns is in it: at the mean turn, (turns + 1)/2.
  const drift = settings.newAgents ? settings.drift : settings.drift + mean(org.map((agent) => agent.drift));
  const level = (settings.newAgents ? settings.level : settings.level + mean(org.map((agent) => agent.level))) + (drift * (settings.turns + 1)) / 2;
  const truth = { level, drift };
  return { runs, truth };
}

/** One agent's pair of answers in one run: kept (or changed with a cause), or not. */
export interface SimulatedPair {
  agent: string;
  consistent: boolean;
}

/**
 * A study of agents asked a question early and late in each run: each agent (a person of a population)
 * keeps its answer with a chance of its own, `low` or `high` alike often, in every run; the truth is
 * the population's, (low + high)/2.
 */
export function consistencyStudy(settings: { runs: number; agents: number; low: number; high: number }, next: () => number): { pairs: SimulatedPair[]; truth: number } {
  const chances = Array.from({ length: settings.agents }, () => (next() < 0.5 ? settings.low : settings.high));
  const pairs: SimulatedPair[] = [];
  for (let run = 0; run < settings.runs; run += 1) chances.forEach((chance, index) => pairs.push({ agent: `a${index}`, consistent: next() < chance }));
  return { pairs, truth: (settings.low + settings.high) / 2 };
}
