import { sumCredits } from '../../engine/money/credit-sum.js';
import { callCredits } from '../records/call-credits.js';
import type { MessageRecord, OrgRecords } from '../records/org-records.js';
import { answerOf, personRequests, waitingOn } from './person-requests.js';
import { requestCalls, type ShownCall } from './request-calls.js';
import type { RequestPath, UnansweredRequest } from '../org-analysis.js';

export type { RequestPath, UnansweredRequest };

/**
 * Every request a person made (person-requests.ts's rule: any human seat's message that answers none the org holds), oldest first,
 * followed along `reply_to` to its first answer: the path, hops, turns, credits (of every call that
 * worked on its thread, by request-calls.ts's rule, priced by the ledger) and who held it longest;
 * and those no answer has reached, with whom they wait on. Pure.
 */
export function requestPaths(records: OrgRecords): { answered: RequestPath[]; unanswered: UnansweredRequest[] } {
  const humans = new Set(records.agents.filter((agent) => agent.isHuman).map((agent) => agent.name));
  const isPerson = (name: string): boolean => humans.has(name);
  const byId = new Map(records.messages.map((message) => [message.id, message]));
  const replies = new Map<string, MessageRecord[]>();
  for (const message of records.messages) {
    if (message.replyTo === undefined) continue;
    let list = replies.get(message.replyTo);
    if (!list) replies.set(message.replyTo, (list = []));
    list.push(message);
  }
  const credits = callCredits(records);
  const shownCalls = (agent: string, since: number): ShownCall[] => {
    const calls: ShownCall[] = [];
    for (const [turn, activity] of records.activity.get(agent) ?? []) {
      const shown = [...activity.read, ...(activity.shownWhenFailed ?? [])];
      if (turn >= since && shown.length > 0) calls.push({ turn, agent, shown });
    }
    return calls;
  };
  const answered: RequestPath[] = [];
  const unanswered: UnansweredRequest[] = [];
  for (const request of personRequests(records.messages, isPerson, (id) => byId.has(id))) {
    const thread = threadOf(request, replies);
    const answer = answerOf(thread, isPerson);
    if (!answer) {
      unanswered.push({ id: request.id, to: request.to, turn: request.turn, ...subjectOf(request), openTurns: Math.max(0, records.turn - request.turn), waitingOn: waitingOn(thread, isPerson) });
      continue;
    }
    const path: MessageRecord[] = [answer];
    for (let at = answer; at.id !== request.id; ) {
      const parent = cameFrom(at, thread) ?? (at.replyTo === undefined ? undefined : byId.get(at.replyTo));
      if (!parent || path.includes(parent)) break;
      path.unshift(parent);
      at = parent;
    }
    let heldLongest: RequestPath['heldLongest'];
    for (let index = 0; index + 1 < path.length; index += 1) {
      const held = path[index + 1]!.turn - path[index]!.turn;
      if (!heldLongest || held > heldLongest.turns) heldLongest = { agent: path[index]!.to, turns: held };
    }
    const spent = sumCredits(requestCalls(thread, isPerson, shownCalls).map((call) => credits.get(call.key) ?? 0));
    answered.push({
      id: request.id,
      to: request.to,
      turn: request.turn,
      ...subjectOf(request),
      answer: { id: answer.id, from: answer.from, turn: answer.turn },
      path: [path[0]!.from, ...path.map((message) => message.to)],
      hops: path.length,
      turns: answer.turn - request.turn,
      credits: spent,
      ...(heldLongest ? { heldLongest } : {}),
    });
  }
  return { answered, unanswered };
}

/**
 * What a message of the thread came from: the newest message of the thread its writer was sent
 * before writing it. An agent answering a request rarely replies to the message it acts on (the
 * manager answers the person's request after the planner's report), so `reply_to` alone would
 * show a path that skips everyone who did the work.
 */
function cameFrom(message: MessageRecord, thread: readonly MessageRecord[]): MessageRecord | undefined {
  let newest: MessageRecord | undefined;
  for (const earlier of thread) if (earlier.to === message.from && earlier.turn < message.turn) newest = earlier;
  return newest;
}

function subjectOf(message: MessageRecord): { subject?: string } {
  return message.subject === undefined ? {} : { subject: message.subject };
}

/** The request and every reply below it, oldest first (a loop of replies, which hand-made files can make, ends it). */
function threadOf(request: MessageRecord, replies: ReadonlyMap<string, readonly MessageRecord[]>): MessageRecord[] {
  const seen = new Set<string>([request.id]);
  const thread: MessageRecord[] = [request];
  for (let index = 0; index < thread.length; index += 1) {
    for (const reply of replies.get(thread[index]!.id) ?? []) {
      if (seen.has(reply.id)) continue;
      seen.add(reply.id);
      thread.push(reply);
    }
  }
  return thread.sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
}
