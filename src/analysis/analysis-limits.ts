import type { EngineSettings } from '../org/schema.js';
import type { AnalysisLimits } from './org-analysis.js';

export type { AnalysisLimits };
/** The defaults: a pair bouncing four messages, mail unread for two turns, three escalations in two turns. */
export const DEFAULT_LIMITS: AnalysisLimits = Object.freeze({ pingPongMessages: 4, waitTurns: 2, stormMessages: 3, stormTurns: 2 });

/**
 * The limits of an org: the defaults, but where org.yaml `engine.breakers` sets a ping-pong's
 * `messages` or a storm's `messages` and `turns`, those, so `lemming analyze` finds the loops the
 * live breakers hold (before, a storm held at `turns: 3` was no storm of the default two turns, and
 * analyze, which the breaker's notice points to, said nothing of it).
 */
export function orgLimits(breakers: EngineSettings['breakers']): AnalysisLimits {
  return {
    ...DEFAULT_LIMITS,
    ...(breakers?.ping_pong ? { pingPongMessages: breakers.ping_pong.messages } : {}),
    ...(breakers?.escalation_storm ? { stormMessages: breakers.escalation_storm.messages, stormTurns: breakers.escalation_storm.turns } : {}),
  };
}
