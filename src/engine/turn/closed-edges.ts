import { HUMAN } from '../../org/names.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import type { EngineEvent } from '../events.js';
import { makeNotice, refusalNoticeBody } from './notices.js';
import type { ClosedEdge } from './prepare-call.js';

/** What refusing waiting mail as it is read adds to a plan: a refused event for each letter, a notice for each sender. */
export interface ClosedEdgeOutcome {
  events: EngineEvent[];
  notices: PendingItem[];
  humanNotices: EngineState['humanNotices'];
}

/**
 * A message to several is all or none when it is sent; once sent, each reader is checked as it reads
 * (one may have read it before the chart changed), so one refused then holds back none of the others.
 */
const OTHERS_READ = ' (its other readers still read it where the chart lets them)';

/**
 * Waiting mail whose edge the chart lost after it was sent is refused as its reader would read it,
 * as a send is refused: one `refused` line in the sender's log for each letter, and one notice to each
 * sender that lists them (notices.ts), so a refusal is never silent. Pure.
 */
export function closedEdgeRefusals(reader: string, refused: readonly ClosedEdge[], turn: number): ClosedEdgeOutcome {
  const outcome: ClosedEdgeOutcome = { events: [], notices: [], humanNotices: [] };
  const bySender = new Map<string, ClosedEdge[]>();
  for (const letter of refused) bySender.set(letter.from, [...(bySender.get(letter.from) ?? []), letter]);
  for (const [sender, letters] of [...bySender].sort(([left], [right]) => (left < right ? -1 : 1))) {
    const refusals = letters.map((letter) => ({ to: reader, reason: `${letter.reason}; it changed after the message was sent${letter.shared ? OTHERS_READ : ''}`, ...(letter.subject !== undefined ? { subject: letter.subject } : {}) }));
    const body = refusalNoticeBody(refusals);
    const notice = makeNotice(turn, sender, `closed-${reader}`, 1, 'Not delivered', body);
    if (sender === HUMAN) outcome.humanNotices.push({ id: notice.id, turn, subject: 'Not delivered', body });
    else outcome.notices.push(notice);
    letters.forEach((letter, index) => {
      const refusal = refusals[index] as (typeof refusals)[number];
      outcome.events.push({ type: 'message-refused', turn, from: sender, ...refusal, cause: 'chart', notice: notice.id, file: letter.file });
    });
  }
  return outcome;
}
