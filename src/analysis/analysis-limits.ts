/** Where a pattern starts to count as a finding; `lemming analyze` uses the defaults. */
export interface AnalysisLimits {
  /** Messages a pair exchanges back and forth, with nothing else happening, before it is a ping-pong. */
  pingPongMessages: number;
  /** Turns in a row an agent's mail waits unread before the agent is a bottleneck. */
  waitTurns: number;
  /** Escalations (high or urgent messages up the chart) one manager receives within `stormTurns` turns that make a storm. */
  stormMessages: number;
  stormTurns: number;
}

/** The defaults: a pair bouncing four messages, mail unread for two turns, three escalations in two turns. */
export const DEFAULT_LIMITS: AnalysisLimits = Object.freeze({ pingPongMessages: 4, waitTurns: 2, stormMessages: 3, stormTurns: 2 });
