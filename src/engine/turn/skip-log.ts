import type { EngineEvent } from '../events.js';
import { appendLog, type LogEntry } from '../record/agent-log.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';

/** What of a fresh plan `logSkips` reads: its events and the notices it sends. */
export interface SkipsPlanned {
  events: readonly EngineEvent[];
  notices: readonly PendingItem[];
  discovered: { humanNotices: EngineState['humanNotices'] };
}

/**
 * Write a line in the log of each agent that this plan found short of credits for the first
 * time (its manager is told now): why it was not called, how much mail waits, and who was told.
 * So the agent's own log says what became of its mail. Called once, when the plan is made: a
 * recovered turn does not write it again.
 */
export function logSkips(root: string, turn: number, at: string, plan: SkipsPlanned, alreadyTold: readonly string[], waiting: (agent: string) => number): void {
  for (const event of plan.events) {
    if (event.type !== 'agent-skipped' || alreadyTold.includes(event.agent)) continue;
    const tag = `-credits-${event.agent}-`;
    const told = plan.notices.find((notice) => notice.id.includes(tag))?.to ?? (plan.discovered.humanNotices.some((notice) => notice.id.includes(tag)) ? 'human' : null);
    const entry: LogEntry = { turn, at, event: 'skipped', reason: event.reason, balance: event.balance, ...(event.needed === undefined ? {} : { needed: event.needed }), waiting: waiting(event.agent), told };
    appendLog(root, event.agent, [entry]);
  }
}
