import type { CallReason, EngineEvent, TurnStats } from '../engine/events.js';
import type { StepToolSummary } from '../engine/turn/step-loop.js';
import { readLog, type LogEntry } from '../engine/record/agent-log.js';
import type { Org } from '../org/org.js';
import { emptyStats } from '../engine/run-totals.js';
import { countRefusal, isRefusedAnswer, isRefusedAnswerLine, sendCauseOf, sendsOf } from '../engine/refusal-causes.js';
import { sendsRefused } from '../format/mail-outcomes.js';

/** An event as a finished run's logs tell it, with the time it was logged (epoch milliseconds). */
export interface LoggedEvent {
  at: number;
  event: EngineEvent;
}

/** Which turns to read: one agent's, one turn's, or all. */
export interface LoggedTurnsFilter {
  agent?: string;
  turn?: number;
}

const numberOr = (value: unknown, fallback = 0): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
const textOr = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

/**
 * A finished run told again from the agents' activity logs (`agents/<name>/logs/activity.jsonl`), as the
 * events its turns yielded: for each turn, `turn-started`, then each agent's call (`agent-called`, its
 * steps, its charges, an error, `agent-done`), then `turn-finished` with the turn's sums. So
 * `lemming trace --otlp` sends a run's traces through the same TurnTracer as a live run. Times are the
 * logged ones (a turn's entries share their turn's time). Turns oldest first.
 */
export function loggedTurns(root: string, org: Org, filter: LoggedTurnsFilter = {}): LoggedEvent[] {
  const byTurn = new Map<number, Map<string, LogEntry[]>>();
  for (const agent of org.agents.keys()) {
    if (filter.agent !== undefined && agent !== filter.agent) continue;
    for (const entry of readLog(root, agent)) {
      if (filter.turn !== undefined && entry.turn !== filter.turn) continue;
      const agents = byTurn.get(entry.turn) ?? new Map<string, LogEntry[]>();
      byTurn.set(entry.turn, agents);
      agents.set(agent, [...(agents.get(agent) ?? []), entry]);
    }
  }
  const events: LoggedEvent[] = [];
  for (const turn of [...byTurn.keys()].sort((a, b) => a - b)) {
    const agents = byTurn.get(turn)!;
    const times = [...agents.values()].flat().map((entry) => Date.parse(entry.at)).filter((time) => Number.isFinite(time));
    const start = times.length > 0 ? Math.min(...times) : 0;
    const end = times.length > 0 ? Math.max(...times) : 0;
    const stats: TurnStats = { ...emptyStats(), durationMs: end - start };
    const turnEvents: LoggedEvent[] = [];
    for (const [agent, entries] of agents) turnEvents.push(...agentEvents(turn, agent, entries, start, stats));
    if (turnEvents.length === 0) continue;
    events.push({ at: start, event: { type: 'turn-started', turn, agents: [...agents.keys()], recovering: false } }, ...turnEvents, { at: end, event: { type: 'turn-finished', turn, stats } });
  }
  return events;
}

/** One agent's entries of one turn as the events of its call (none when it was not called). */
function agentEvents(turn: number, agent: string, entries: LogEntry[], turnStart: number, stats: TurnStats): LoggedEvent[] {
  const events: LoggedEvent[] = [];
  let called = false;
  let sent = 0;
  let refused = 0;
  let last = turnStart;
  for (const entry of entries) {
    const at = Number.isFinite(Date.parse(entry.at)) ? Date.parse(entry.at) : last;
    last = at;
    if (entry.event === 'skipped') {
      stats.skipped += 1;
      const reason = entry['reason'] === 'insufficient-credits' || entry['reason'] === 'breaker' || entry['reason'] === 'intervention' || entry['reason'] === 'budget' ? entry['reason'] : 'out-of-credits';
      const skipped: EngineEvent = { type: 'agent-skipped', turn, agent, reason, balance: numberOr(entry['balance']) };
      countRefusal(stats.refusals, skipped);
      events.push({ at, event: skipped });
      continue;
    }
    const opensCall = entry.event === 'called' || entry.event === 'step' || entry.event === 'error' || entry.event === 'charged';
    if (opensCall && !called) {
      called = true;
      stats.called += 1;
      events.push({ at, event: { type: 'agent-called', turn, agent, model: textOr(entry['model'], 'unknown'), reason: callReason(entry['reason']), inbox: numberOr(entry['shown']), deferred: 0 } });
    }
    if (entry.event === 'step') {
      const tools = Array.isArray(entry['tools']) ? (entry['tools'] as StepToolSummary[]).filter((tool) => tool !== null && typeof tool === 'object' && typeof tool.name === 'string') : [];
      events.push({ at, event: { type: 'agent-step', turn, agent, step: numberOr(entry['step'], 1), tools } });
    } else if (entry.event === 'charged') {
      const inputTokens = numberOr(entry['inputTokens']);
      const outputTokens = numberOr(entry['outputTokens']);
      const credits = numberOr(entry['credits']);
      stats.inputTokens += inputTokens;
      stats.outputTokens += outputTokens;
      stats.credits += credits;
      events.push({ at, event: { type: 'credits-charged', turn, agent, model: textOr(entry['model'], 'unknown'), inputTokens, outputTokens, credits, balance: Number.NaN, estimated: entry['estimated'] === true } });
    } else if (entry.event === 'error') {
      stats.errors += 1;
      // An answer refused as too large keeps its cause, so the turn's figures count it as the live run did.
      const failed: EngineEvent = { type: 'agent-error', turn, agent, message: textOr(entry['message'], 'the call failed'), ...(isRefusedAnswer(entry) ? { cause: 'answer-too-large' as const } : {}) };
      countRefusal(stats.refusals, failed);
      events.push({ at, event: failed });
    } else if (isRefusedAnswerLine(entry)) {
      // A later step's answer refused unread: counted by its cause as the live run did, and no error (the steps before it stand).
      const noted: EngineEvent = { type: 'agent-note', turn, agent, message: textOr(entry['message'], 'a step failed'), cause: 'answer-too-large' };
      countRefusal(stats.refusals, noted);
      events.push({ at, event: noted });
    } else if (entry.event === 'sent') {
      sent += 1;
      stats.delivered += 1;
      const subject = typeof entry['subject'] === 'string' ? { subject: entry['subject'] } : {};
      const message = { id: textOr(entry['id'], ''), from: agent, to: textOr(entry['to'], ''), turn, priority: 'normal' as const, preview: '', file: textOr(entry['file'], ''), ...subject };
      events.push({ at, event: { type: 'message-delivered', turn, message } });
    } else if (entry.event === 'refused') {
      // One line stands for the sends of one reply refused for one reason (its `count`).
      refused += sendsOf(entry);
      stats.refusals[sendCauseOf(entry)] += sendsOf(entry);
      stats.refused = sendsRefused(stats.refusals);
    }
  }
  if (called) events.push({ at: last, event: { type: 'agent-done', turn, agent, sent, refused } });
  return events;
}

/** Why a logged call was made, as its `called` line says; `mail` for a line that does not (a failed call's, or one logged before lines said it). */
function callReason(value: unknown): CallReason {
  return value === 'schedule' || value === 'meeting' ? value : 'mail';
}
