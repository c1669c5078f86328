import type { AnalysisLimits } from '../analysis-limits.js';
import { pairKey, type OrgRecords } from '../records/org-records.js';
import type { Bottleneck } from '../org-analysis.js';
import type { HoldCause } from '../../format/mail-outcomes.js';

export type { Bottleneck };

/** Why mail of an agent's waited in a turn: its own pace (it was called), a hold's cause, or `unrecorded` (not called, and no record says why). */
type WaitCause = HoldCause | 'own' | 'unrecorded';

/**
 * Why `agent`, not called in `turn`, was held: a hold its log says began in that turn or since its last
 * call (credits, a ceiling, a breaker, an answer refused unread; each lasts until it is called again);
 * otherwise activation, when the turn's record says activation left agents with work undrawn. Nothing
 * when no record says (an org from before lemming kept them, a record made by hand).
 */
function holdIn(records: OrgRecords, activation: ReadonlySet<number>, agent: string, turn: number): HoldCause | undefined {
  const activity = records.activity.get(agent);
  for (let earlier = turn; earlier >= 0 && activity; earlier -= 1) {
    const done = activity.get(earlier);
    if (done?.holdStarted !== undefined) return done.holdStarted;
    if (done?.called && earlier < turn) break;
  }
  return activation.has(turn) ? 'activation' : undefined;
}

/**
 * Why mail of `agent`'s waited in `turn`: its own when it was called (it was shown other mail, or its
 * context was capped); a hold's cause when it was not and a record says why; otherwise `unrecorded`.
 * The engine calls every agent with mail it does not hold, so an agent not called was held by
 * something; with no record of what (an org from before lemming kept them, a record made by hand),
 * the turn is neither its pace nor a cause the refusals table counts.
 */
function waitCause(records: OrgRecords, activation: ReadonlySet<number>, agent: string, turn: number): WaitCause {
  if (records.activity.get(agent)?.get(turn)?.called) return 'own';
  return holdIn(records, activation, agent, turn) ?? 'unrecorded';
}

/**
 * Agents with mail waiting turn after turn: a message can be read from the turn after the one it
 * was written in (turns are barriers); the turn it was read is the first its recipient's activity
 * log shows it among what the agent was shown (`read`), or the agent answered it (`reply_to`).
 * A message waits each turn between, and every turn up to the last finished one when it was never
 * read. A turn it waits in is a hold's when the agent was not called in it and a record says why (never
 * drawn by activation, out of credits, at a ceiling, held by a breaker, an answer refused: the engine
 * calls every agent with mail it does not hold), and the agent's own otherwise (mail piling up faster
 * than it is read, a capped context, or not called with no record of why).
 * A bottleneck is an agent one of whose messages waited `waitTurns` of its own turns or more; an
 * agent whose mail waited as long only because it was held is `heldWithMail`, its turns by cause.
 * People are left out: the engine never calls them. Worst first. Pure.
 */
export function bottlenecks(records: OrgRecords, limits: Pick<AnalysisLimits, 'waitTurns'>): { bottlenecks: Bottleneck[]; heldWithMail: Bottleneck[] } {
  const people = new Set(records.agents.filter((agent) => agent.isHuman).map((agent) => agent.name));
  const members = new Set(records.agents.map((agent) => agent.name));
  const activation = new Set((records.held ?? []).filter((turn) => (turn.held.activation ?? 0) > 0).map((turn) => turn.turn));
  const readAt = new Map<string, number>();
  const seen = (key: string, turn: number): void => {
    const known = readAt.get(key);
    if (known === undefined || turn < known) readAt.set(key, turn);
  };
  for (const [agent, turns] of records.activity) for (const [turn, done] of turns) for (const id of done.read) seen(pairKey(agent, id), turn);
  for (const message of records.messages) if (message.replyTo !== undefined) seen(pairKey(message.from, message.replyTo), message.turn);

  type Found = Bottleneck & { waitingTurns: Map<number, WaitCause>; longestOwnWait: number };
  const found = new Map<string, Found>();
  for (const message of records.messages) {
    if (people.has(message.to) || !members.has(message.to)) continue;
    if (records.edges && !records.edges.has(pairKey(message.from, message.to))) continue;
    const available = message.turn + 1;
    const read = readAt.get(pairKey(message.to, message.id));
    const until = read !== undefined && read >= available ? read : records.turn + 1;
    const waited = until - available;
    if (waited <= 0) continue;
    let entry = found.get(message.to);
    if (!entry) found.set(message.to, (entry = { agent: message.to, longestWait: 0, message: message.id, turnsWithMailWaiting: 0, stillWaiting: 0, held: {}, waitingTurns: new Map(), longestOwnWait: 0 }));
    let own = 0;
    for (let turn = available; turn < until; turn += 1) {
      let why = entry.waitingTurns.get(turn);
      if (why === undefined) entry.waitingTurns.set(turn, (why = waitCause(records, activation, message.to, turn)));
      if (why === 'own') own += 1;
    }
    entry.longestOwnWait = Math.max(entry.longestOwnWait, own);
    if (waited > entry.longestWait) {
      entry.longestWait = waited;
      entry.message = message.id;
    }
    if (until === records.turn + 1) entry.stillWaiting += 1;
  }
  const shown = (entry: Found): Bottleneck => {
    const held: Bottleneck['held'] = {};
    let unrecorded = 0;
    for (const why of entry.waitingTurns.values()) {
      if (why === 'unrecorded') unrecorded += 1;
      else if (why !== 'own') held[why] = (held[why] ?? 0) + 1;
    }
    return { agent: entry.agent, longestWait: entry.longestWait, message: entry.message, turnsWithMailWaiting: entry.waitingTurns.size, stillWaiting: entry.stillWaiting, held, ...(unrecorded > 0 ? { unrecorded } : {}) };
  };
  const worstFirst = (left: Bottleneck, right: Bottleneck): number => right.longestWait - left.longestWait || (left.agent < right.agent ? -1 : 1);
  const waitedLong = [...found.values()].filter((entry) => entry.longestWait >= limits.waitTurns);
  return {
    bottlenecks: waitedLong.filter((entry) => entry.longestOwnWait >= limits.waitTurns).map(shown).sort(worstFirst),
    heldWithMail: waitedLong.filter((entry) => entry.longestOwnWait < limits.waitTurns).map(shown).sort(worstFirst),
  };
}
