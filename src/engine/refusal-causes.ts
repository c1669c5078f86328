import type { HoldCause, RefusalCounts, SendCause } from '../format/mail-outcomes.js';
import type { EngineEvent, SkipReason } from './events.js';

/*
 * The one place that says which cause (src/format/mail-outcomes.ts) each refusal the engine makes is
 * counted under: a refused send by the rule that refused it, an agent with work not called by why. The
 * turn's figures, the run's, the turn's record in taken.jsonl and every reader of the logs ask here.
 */

/** The cause an agent skipped with work is held for: its own credits, a ceiling of `budget:`, a loop breaker, an intervention's hold. */
export function causeOfSkip(reason: SkipReason): HoldCause {
  if (reason === 'budget') return 'ceiling';
  if (reason === 'breaker' || reason === 'intervention') return reason;
  return 'budget';
}

/**
 * The cause of a refused send as a log line or an event records it (`cause`); a line written before
 * lemming recorded it is read by its reason's words, which name the cap's setting for the cap alone.
 */
export function sendCauseOf(refusal: { readonly [field: string]: unknown }): SendCause {
  // A log line is outside bytes read back: anything but the two causes is read by its reason.
  const { cause, reason } = refusal;
  if (cause === 'chart' || cause === 'cap') return cause;
  return typeof reason === 'string' && reason.includes('engine.max_messages_per_turn') ? 'cap' : 'chart';
}

/** How many sends a refused line or event stands for: a reply's refusals of one reason are one line with their `count`. */
export function sendsOf(refusal: { readonly [field: string]: unknown }): number {
  const { count } = refusal;
  return typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : 1;
}

/**
 * Whether a failure, as its log line or event records it (`cause`), was an answer lemming refused
 * unread as too large: counted under `answer`, its mail waiting as a held agent's does.
 */
export function isRefusedAnswer(failure: { readonly [field: string]: unknown }): boolean {
  return failure.cause === 'answer-too-large';
}

/**
 * Whether an activity log's line is an answer refused unread: a call's `error` line (its first step's
 * answer), or the `note` that a later step failed (the steps before it stand: no error). One a call.
 */
export function isRefusedAnswerLine(entry: { readonly event: string; readonly [field: string]: unknown }): boolean {
  return (entry.event === 'error' || entry.event === 'note') && isRefusedAnswer(entry);
}

const SKIP_REASONS: ReadonlySet<string> = new Set<SkipReason>(['out-of-credits', 'insufficient-credits', 'breaker', 'intervention', 'budget']);

/**
 * The hold an activity log's line starts, by its cause: a `skipped` line (credits, a ceiling, a loop
 * breaker, an intervention), or an answer refused unread (its agent held until retried). Such a hold lasts until the
 * agent is called again; its log says no more of it. Nothing for any other line.
 */
export function holdStartedBy(entry: { readonly event: string; readonly [field: string]: unknown }): HoldCause | undefined {
  if (entry.event === 'skipped' && typeof entry.reason === 'string' && SKIP_REASONS.has(entry.reason)) return causeOfSkip(entry.reason as SkipReason);
  return isRefusedAnswerLine(entry) ? 'answer' : undefined;
}

/** Count an event of a turn under its cause, when it is a refusal or a hold: a refused send, an agent skipped with work, or an answer refused (a first step's or a later one's). */
export function countRefusal(counts: RefusalCounts, event: EngineEvent): void {
  if (event.type === 'message-refused') counts[sendCauseOf(event)] += sendsOf(event);
  if (event.type === 'agent-skipped') counts[causeOfSkip(event.reason)] += 1;
  if ((event.type === 'agent-error' || event.type === 'agent-note') && isRefusedAnswer(event)) counts.answer += 1;
}
