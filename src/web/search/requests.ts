import { HUMAN } from '../../org/names.js';
import type { AgentStatus, IndexedMessage, RequestView, ThreadEntry } from '../api-types.js';

export type { RequestView };

/**
 * The human's requests: every message the human sent that answers no message the index
 * knows (a reply of theirs is part of the thread it answers). Oldest first.
 */
export function humanRequests(messages: Iterable<IndexedMessage>, known: (id: string) => boolean): IndexedMessage[] {
  const requests: IndexedMessage[] = [];
  for (const message of messages) {
    if (message.from !== HUMAN) continue;
    if (message.replyTo !== undefined && known(message.replyTo)) continue;
    requests.push(message);
  }
  return requests.sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
}

/** Why an agent cannot take a request further now, or undefined when it can. */
function stuckReason(status: AgentStatus | undefined): string | undefined {
  if (!status) return 'is no longer in the org';
  if (status.held) return `is held: its model ${status.held.model} keeps failing (\`lemming retry ${status.name}\`)`;
  if (!status.isHuman && (status.balance <= 0 || status.outOfCredits)) return `is out of credits for its next call (\`lemming top-up ${status.name} <credits>\`)`;
  return undefined;
}

/**
 * Where one request stands, derived from its thread (the tree of messages from the request,
 * built from `reply_to`) and the agents' status; nothing is stored. Answered: a message of the
 * thread reached the human from the org (the newest is the answer). Otherwise the request
 * waits on each agent that received a message of the thread and has sent nothing in it since
 * (since the turn that message was written); it is stuck when one of them is held for a failing
 * model or out of credits. Its cost is that of the calls that wrote its messages, each call
 * counted once (a call that wrote several messages gives each the whole call's figures). Pure.
 */
export function describeRequest(thread: readonly ThreadEntry[], request: IndexedMessage, agents: ReadonlyMap<string, AgentStatus>): RequestView {
  const handedTo: string[] = [];
  const calls = new Map<string, { credits: number; tokens: number }>();
  let answer: RequestView['answer'];
  for (const message of thread) {
    if (message.to !== HUMAN && !handedTo.includes(message.to)) handedTo.push(message.to);
    if (message.from !== HUMAN && message.credits !== undefined) calls.set(`${message.turn}\n${message.from}`, { credits: message.credits, tokens: message.tokens ?? 0 });
    if (message.to === HUMAN && message.from !== HUMAN && (!answer || message.turn >= answer.turn)) answer = { id: message.id, from: message.from, turn: message.turn };
  }
  const waitingOn: RequestView['waitingOn'] = [];
  if (!answer) {
    for (const message of thread) {
      if (message.to === HUMAN) continue;
      const answeredSince = thread.some((later) => later.from === message.to && later.turn > message.turn);
      const newer = thread.some((later) => later.to === message.to && later.turn > message.turn);
      if (answeredSince || newer || waitingOn.some((entry) => entry.agent === message.to)) continue;
      const stuck = stuckReason(agents.get(message.to));
      waitingOn.push({ agent: message.to, since: message.turn, message: message.id, ...(stuck ? { stuck } : {}) });
    }
  }
  let credits = 0;
  let tokens = 0;
  for (const call of calls.values()) {
    credits += call.credits;
    tokens += call.tokens;
  }
  const view: RequestView = {
    id: request.id,
    turn: request.turn,
    created: request.created,
    to: request.to,
    preview: request.preview,
    state: answer ? 'answered' : waitingOn.some((entry) => entry.stuck !== undefined) ? 'stuck' : 'open',
    handedTo,
    waitingOn,
    messages: thread.length,
    credits,
    tokens,
  };
  if (request.subject !== undefined) view.subject = request.subject;
  if (answer) view.answer = answer;
  return view;
}

/** Every request of the human, oldest first, each described from its thread (see describeRequest). */
export function describeRequests(
  messages: Iterable<IndexedMessage>,
  byId: (id: string) => IndexedMessage | undefined,
  threadOf: (id: string) => ThreadEntry[],
  agents: readonly AgentStatus[],
): RequestView[] {
  const statuses = new Map(agents.map((agent) => [agent.name, agent]));
  return humanRequests(messages, (id) => byId(id) !== undefined).map((request) => describeRequest(threadOf(request.id), request, statuses));
}
