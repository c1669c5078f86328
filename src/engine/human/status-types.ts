/*
 * The shapes of \`lemming status\` (and of the dashboard's /api/status): types only, importing nothing,
 * so the dashboard's browser app compiles against them too (see src/web/api-types.ts).
 */

/** One agent's line in `lemming status`. */
export interface AgentStatus {
  name: string;
  title: string;
  /** The agent's models in order, joined with ` -> ` (the first answers, the rest are fallbacks). */
  model: string;
  isHuman: boolean;
  /** Credits from the agent's resume, before top-ups and charges. */
  budget: number;
  toppedUp: number;
  spent: number;
  balance: number;
  /** Every prompt token charged, the cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, those a vendor's prompt cache served; absent when none were. */
  cachedInputTokens?: number;
  /** Of inputTokens, those written to a vendor's prompt cache; absent when none were. */
  cacheWriteTokens?: number;
  /**
   * Mail waiting for the agent: messages and engine notices. For the person, what they
   * have not read yet (as `lemming inbox` shows it), since the engine never calls them.
   */
  unread: number;
  /**
   * Waiting messages its next turn will refuse as it reads them, not counted in `unread`: the chart
   * lost their edge, or their list its reader, after they were sent (their senders are told then). Absent when none.
   */
  refusedWhenRead?: number;
  /** The last turn the agent was called in. */
  lastRan?: number;
  lastActivity?: { turn: number; summary: string };
  lastError?: { turn: number; message: string };
  /** A turn found it could not pay for its next call, and its manager was told; cleared when it can again. */
  outOfCredits?: true;
  /** Not called because its models kept failing, until its resume or model entry changes or `lemming retry`. */
  held?: { model: string; failedTurns: number; cause: string };
}

/** One ceiling of org.yaml `budget:` in `lemming status`: what was spent against it, and where that leaves it. */
export interface BudgetStatus {
  /** The department's lead; absent: the whole org. */
  department?: string;
  /** Credits charged in the ledger under this ceiling. */
  spent: number;
  ceiling: number;
  /** spent / ceiling (past 1 by what calls under way when it was reached cost). */
  share: number;
  /** `ok`: below every warning; `warned`: past one; `stopped`: reached, no new model call starts under it. */
  state: 'ok' | 'warned' | 'stopped';
  /** The shares at which the human is told. */
  warnAt: number[];
}

/** An agent a loop breaker (org.yaml `engine.breakers`) or an intervention's `hold:` holds, until `lemming retry`. */
export interface BreakerHeld {
  agent: string;
  /** Who holds it: a loop breaker, or an intervention (a hold made by hand). */
  by: 'breaker' | 'intervention';
  turn: number;
  reason: string;
}

/** What `orgStatus` reports for `lemming status`. */
export interface OrgStatus {
  org: string;
  root: string;
  turn: number;
  /** The engine that holds the lock now, if one does. */
  running?: { pid: number; command: string; started: string };
  /** A journal is on disk: a turn was cut short, and the next engine to open the org finishes (or discards) it. */
  unfinishedTurn: boolean;
  agents: AgentStatus[];
  /** Asked to leave quiet agents out (a big org's \`lemming status\`): how many were. */
  quiet?: number;
  /** Mail waiting for its recipient's answer under org/routing.yaml `escalate`, oldest first; absent when none. */
  awaiting?: Array<{ id: string; from: string; to: string; turn: number; subject?: string }>;
  /** The org's and departments' ceilings (org.yaml `budget:`); absent when it sets none. */
  budget?: BudgetStatus[];
  /** Agents a circuit breaker holds (org.yaml `engine.breakers`), until `lemming retry`; absent when none. */
  breakerHeld?: BreakerHeld[];
  /** The org's history could not record a turn and has not caught up since (history/history-behind.ts); absent when it is not behind. */
  historyBehind?: { turn: number; problem: string; at: string };
}
