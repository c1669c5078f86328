import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import type { EscalationRule } from '../../org/routing/routing-rules.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import { makeNotice } from '../turn/notices.js';

/** A message to an agent (not a report up the chart) that waits for its recipient's answer, kept in `engine.json` until answered or escalated. */
export interface AwaitingAnswer {
  id: string;
  from: string;
  to: string;
  /** The turn it was sent in: escalated once `afterTurns` turns have passed without an answer. */
  turn: number;
  subject?: string;
}

/** What a turn's escalation decided: what still waits, and who is told of what was raised. */
export interface Escalation {
  awaiting: AwaitingAnswer[];
  notices: PendingItem[];
  humanNotices: EngineState['humanNotices'];
  /** One line for each message raised, for the turn's events. */
  raised: Array<{ id: string; to: string; manager: string }>;
}

/**
 * Raise mail its recipient has not answered (sent a message with `reply_to` to it) within
 * `rule.afterTurns` turns to the recipient's manager, or to the human when the recipient reports
 * to the human or to nobody, and tell the sender; once, since a message raised stops waiting.
 * `answered` holds `recipient id` pairs of this turn's replies (a hand-off in the thread counts:
 * the recipient acted on it); `asked` is this turn's new mail to agents. Without a rule nothing waits. Pure: a turn finished after a crash decides the same.
 */
export function escalate(
  org: Org,
  rule: EscalationRule | undefined,
  waiting: readonly AwaitingAnswer[],
  asked: readonly AwaitingAnswer[],
  answered: ReadonlySet<string>,
  turn: number,
): Escalation {
  const result: Escalation = { awaiting: [], notices: [], humanNotices: [], raised: [] };
  if (!rule) return result;
  for (const item of [...waiting, ...asked]) {
    if (answered.has(`${item.to} ${item.id}`) || !org.agents.has(item.to)) continue;
    if (turn - item.turn < rule.afterTurns) {
      result.awaiting.push(item);
      continue;
    }
    const reportsTo = org.agents.get(item.to)?.reportsTo;
    const manager = reportsTo && org.agents.has(reportsTo) ? reportsTo : HUMAN;
    const about = `${item.id}${item.subject ? ` ("${item.subject}")` : ''}`;
    const subject = `Escalated: ${item.to} has not answered ${item.from}`;
    const body =
      `${item.to} has not answered message ${about} from ${item.from}, sent in turn ${item.turn}, after ${turn - item.turn} turn(s) ` +
      `(org/routing.yaml escalate.after_turns: ${rule.afterTurns}). You are told as ${item.to}'s ${manager === reportsTo ? 'manager' : 'person at the top'}: ` +
      `see that it is answered, or answer ${item.from} yourself. \`lemming thread ${item.id}\` shows it.`;
    tell(result, org, manager, makeNotice(turn, manager, `escalated-${item.id}`, 1, subject, body));
    if (item.from !== manager && (item.from === HUMAN || org.agents.has(item.from))) {
      const senderBody = `${item.to} has not answered your message ${about} after ${turn - item.turn} turn(s); it was raised to ${manager}.`;
      tell(result, org, item.from, makeNotice(turn, item.from, `escalated-${item.id}`, 1, `Raised to ${manager}: ${item.subject ?? item.id}`, senderBody));
    }
    result.raised.push({ id: item.id, to: item.to, manager });
  }
  result.awaiting.sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
  return result;
}

function tell(result: Escalation, org: Org, to: string, notice: PendingItem): void {
  if (notice.kind !== 'notice') return;
  if (to === HUMAN) result.humanNotices.push({ id: notice.id, turn: notice.turn, subject: notice.subject, body: notice.body });
  else if (org.agents.has(to)) result.notices.push(notice);
}
