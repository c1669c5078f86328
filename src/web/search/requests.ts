import { answerOf, personRequests, waitingOn as waitingOnOf } from '../../analysis/requests/person-requests.js';
import { requestCalls, type ShownCall as ShownCallOf, type ShownCallsOf as ShownCallsOfAgent } from '../../analysis/requests/request-calls.js';
import { sumCredits } from '../../engine/money/credit-sum.js';
import { readLogSince } from '../../engine/record/agent-log.js';
import type { AgentStatus, IndexedMessage, RequestView, ThreadEntry } from '../api-types.js';

export type { RequestView };

/** A charged call shown mail (see request-calls.ts), with what the log says it cost. */
export interface ShownCall extends ShownCallOf {
  credits: number;
  tokens: number;
}

/** The charged calls of an agent from a turn on that were shown mail, oldest first. */
export type ShownCallsOf = ShownCallsOfAgent<ShownCall>;

/** What describing a request reads beyond its thread: the charged calls shown mail (its cost), and who read a message (its cost and whom it waits on: a list's members in the list's place, org/lists/recipients.ts). */
export interface RequestReading {
  shownCalls: ShownCallsOf;
  readers: (message: ThreadEntry) => readonly string[];
}

/** Why an agent cannot take a request further now, or undefined when it can. */
function stuckReason(status: AgentStatus | undefined): string | undefined {
  if (!status) return 'is no longer in the org';
  if (status.held) return `is held: its model ${status.held.model} keeps failing (\`lemming retry ${status.name}\`)`;
  if (!status.isHuman && (status.balance <= 0 || status.outOfCredits)) return `is out of credits for its next call (\`lemming top-up ${status.name} <credits>\`)`;
  return undefined;
}

/**
 * Where one request stands, derived from its thread (the tree of messages from the request, built
 * from `reply_to`) and the agents' status; nothing is stored. Answered: a message of the thread
 * reached a person's seat from the org (the first is the answer). Otherwise the request waits on each
 * agent that read a message of the thread and has sent nothing in it since (from the oldest such
 * message); it is stuck when one of them is held for a failing model or out of credits. Both rules
 * are person-requests.ts's, analyze's too. Its cost is that of the calls that wrote its messages or
 * were shown one of them, each counted once: the one rule of analysis/requests/request-calls.ts.
 * Pure but for `reading`.
 */
export function describeRequest(thread: readonly ThreadEntry[], request: IndexedMessage, agents: ReadonlyMap<string, AgentStatus>, reading?: RequestReading): RequestView {
  const isPerson = (name: string): boolean => agents.get(name)?.isHuman === true;
  const handedTo: string[] = [];
  for (const message of thread) if (!isPerson(message.to) && !handedTo.includes(message.to)) handedTo.push(message.to);
  const answered = answerOf(thread, isPerson);
  const answer: RequestView['answer'] = answered ? { id: answered.id, from: answered.from, turn: answered.turn } : undefined;
  // Which calls it cost is the one rule analyze's request paths follow too, given each message's readers as analyze reads them (a
  // post's list members, not the list's name); each is priced by what its message's usage or its log's charge says.
  const read = reading ? thread.map((message) => readThrough(message, reading.readers(message))) : thread;
  const calls = requestCalls(read, isPerson, reading?.shownCalls ?? (() => [])).map((call) =>
    call.wrote?.credits !== undefined ? { credits: call.wrote.credits, tokens: call.wrote.tokens ?? 0 } : { credits: call.shown?.credits ?? 0, tokens: call.shown?.tokens ?? 0 },
  );
  const waitingOn: RequestView['waitingOn'] = answer
    ? []
    : waitingOnOf(read, isPerson).map((waiting) => {
        const stuck = stuckReason(agents.get(waiting.agent));
        return { ...waiting, ...(stuck ? { stuck } : {}) };
      });
  const credits = sumCredits(calls.map((call) => call.credits));
  let tokens = 0;
  for (const call of calls) tokens += call.tokens;
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

/** A thread's message with the readers it reached in place of the names it was addressed to. */
function readThrough(message: ThreadEntry, readers: readonly string[]): ThreadEntry {
  const [to, ...others] = readers;
  return to === undefined ? message : { ...message, to, others };
}

/** Every request people made (person-requests.ts's rule: any human seat's), oldest first, each described from its thread (see describeRequest). */
export function describeRequests(
  messages: Iterable<IndexedMessage>,
  byId: (id: string) => IndexedMessage | undefined,
  threadOf: (id: string) => ThreadEntry[],
  agents: readonly AgentStatus[],
  reading?: RequestReading,
): RequestView[] {
  const statuses = new Map(agents.map((agent) => [agent.name, agent]));
  const isPerson = (name: string): boolean => statuses.get(name)?.isHuman === true;
  return personRequests(messages, isPerson, (id) => byId(id) !== undefined).map((request) => describeRequest(threadOf(request.id), request, statuses, reading));
}

/**
 * An org's charged calls that were shown mail, from its agents' activity logs: a `read` line (a call
 * that acted: engine/turn/apply-response.ts) or an `error` line that names the mail it was shown
 * (engine/turn/failed-call.ts writes `shown` only for a call that was charged), then the `charged`
 * line of the same turn; the lines of a turn between them (sends, refusals, notes) leave it open.
 * Reads each log from its end back to `since` only, once for each agent and turn however many requests ask.
 */
export function shownCallsFromLogs(root: string): ShownCallsOf {
  // Many requests wait on the same agent since the same turn (the human's first requests): its log is read once for them.
  const read = new Map<string, readonly ShownCall[]>();
  return (agent, since) => {
    const key = `${agent}\n${since}`;
    const known = read.get(key);
    if (known) return known;
    const calls: ShownCall[] = [];
    let open: { turn: number; shown: string[] } | undefined;
    for (const entry of readLogSince(root, agent, since)) {
      if (open && open.turn !== entry.turn) open = undefined;
      const shown = entry.event === 'read' ? entry.ids : entry.event === 'error' ? entry.shown : undefined;
      if (Array.isArray(shown)) {
        open = { turn: entry.turn, shown: shown.filter((id): id is string => typeof id === 'string') };
        continue;
      }
      if (entry.event === 'charged' && open) {
        const tokens = (Number(entry.inputTokens) || 0) + (Number(entry.outputTokens) || 0);
        calls.push({ turn: entry.turn, agent, shown: open.shown, credits: Number(entry.credits) || 0, tokens });
        open = undefined;
      }
    }
    read.set(key, calls);
    return calls;
  };
}
