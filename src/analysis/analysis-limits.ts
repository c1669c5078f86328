import type { AnalysisLimits } from './org-analysis.js';

export type { AnalysisLimits };
/** The defaults: a pair bouncing four messages, mail unread for two turns, three escalations in two turns. */
export const DEFAULT_LIMITS: AnalysisLimits = Object.freeze({ pingPongMessages: 4, waitTurns: 2, stormMessages: 3, stormTurns: 2 });
