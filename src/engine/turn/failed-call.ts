import type { Org } from '../../org/org.js';
import type { AnsweredUsage } from '../../providers/provider.js';
import { chargedTogether } from '../../providers/usage.js';
import type { EngineEvent } from '../events.js';
import { chargeFor } from '../money/charge.js';
import type { LogEntry } from '../record/agent-log.js';
import type { AgentOutcome } from '../record/journal.js';
import { emptyAnswerNotice, usageNotices } from './notices.js';
import { unreadNote } from './unread-answer.js';

/**
 * What a failed call leaves: its log lines and events, and a charge when answers came back that
 * could not be used (the server counted them: money/charge.ts charges them all the same), with the
 * human's notice when their usage was not counted as reported. Pure.
 */
export function failedCall(
  called: { agent: string; error: string; unusable: readonly AnsweredUsage[]; empty?: true; shown?: readonly string[]; refused?: 'answer-too-large' },
  turn: number,
  org: Org,
  at: string,
  balance: number,
): { log: LogEntry[]; events: EngineEvent[]; charge?: NonNullable<AgentOutcome['charge']>; humanNotices: AgentOutcome['humanNotices'] } {
  // The mail a charged failure was shown (it waits), so the request it served counts what it cost (web/search/requests.ts).
  const shown = called.unusable.length > 0 && called.shown !== undefined && called.shown.length > 0 ? { shown: [...called.shown] } : {};
  // A call whose answer lemming refused says why, so a reader of the logs counts it by its cause.
  const cause = called.refused === undefined ? {} : { cause: called.refused };
  const log: LogEntry[] = [{ turn, at, event: 'error', message: called.error, ...cause, ...shown }];
  const events: EngineEvent[] = [{ type: 'agent-error', turn, agent: called.agent, message: called.error, ...cause }];
  const last = called.unusable.at(-1);
  if (!last) return { log, events, humanNotices: [] };
  const answers = chargedTogether({ text: '', toolCalls: [], modelKey: last.modelKey }, called.unusable);
  const charged = chargeFor(turn, called.agent, answers, org.models, at);
  const { usage } = charged;
  // An answer refused unread was charged at what its call was reserved at (usage-gate.ts): the ledger's line and the log say so.
  const unread = called.refused === undefined ? undefined : unreadNote(last.modelKey, last.usage);
  const charge = unread === undefined ? charged.charge : { ...charged.charge, note: unread };
  if (unread !== undefined) log.push({ turn, at, event: 'note', message: unread });
  // What the usage gate did not take as reported is said in the log, and to the human (notices.ts, usageNotices).
  for (const sentence of answers.usage.clamped ?? []) log.push({ turn, at, event: 'note', message: sentence });
  log.push({ turn, at, event: 'charged', model: charge.model, ...usage });
  events.push({
    type: 'credits-charged',
    turn,
    agent: called.agent,
    model: last.modelKey,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    credits: usage.credits,
    balance: balance - usage.credits,
    estimated: usage.estimated === true,
  });
  const empty = called.empty ? [emptyAnswerNotice(turn, called.agent, last.modelKey, usage)] : [];
  return { log, events, charge, humanNotices: [...empty, ...usageNotices(turn, called.agent, answers.usage)] };
}
