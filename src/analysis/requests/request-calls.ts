import { pairKey } from '../records/org-records.js';

/** A message of a request's thread, as the rule needs it. */
export interface ThreadMessage {
  id: string;
  from: string;
  to: string;
  turn: number;
  /** Its other readers (the rest of `to:`, `cc:`, a list's members), when it had some. */
  others?: readonly string[];
}

/**
 * A charged call and the mail it was shown: one that acted (whatever became of its sends: the
 * per-turn cap may have refused them all), or one that failed after its model answered (an empty
 * answer, one lemming could not use), whose mail waits.
 */
export interface ShownCall {
  turn: number;
  agent: string;
  /** Ids of the mail it was shown. */
  shown: readonly string[];
}

/** The charged calls of an agent from a turn on that were shown mail (see ShownCall), oldest first. */
export type ShownCallsOf<Call extends ShownCall = ShownCall> = (agent: string, since: number) => readonly Call[];

/** A call a request cost: its key (`turn agent`), the first message of the thread it wrote, and the shown call the log has for it; one of the two at least. */
export interface RequestCall<Message extends ThreadMessage, Call extends ShownCall> {
  key: string;
  turn: number;
  agent: string;
  wrote?: Message;
  shown?: Call;
}

/**
 * The calls a request cost, the one rule `lemming requests` (and the page) and `lemming analyze` (and
 * the library) price: every call of an agent that wrote a message of its thread (the request and
 * every reply below it) or was shown one, each counted once. A call paid for works on the request
 * whether or not anything it wrote was delivered (sends the per-turn cap refused, an empty answer).
 * A call that wrote or was shown several requests' messages counts whole under each. A person's
 * seat is never called, so its messages cost nothing. Each caller prices the calls from what it
 * reads (the ledger, a message's `usage`, the log's charge). Pure but for `shownCalls`.
 */
export function requestCalls<Message extends ThreadMessage, Call extends ShownCall>(
  thread: readonly Message[],
  isPerson: (name: string) => boolean,
  shownCalls: ShownCallsOf<Call>,
): Array<RequestCall<Message, Call>> {
  const calls = new Map<string, RequestCall<Message, Call>>();
  for (const message of thread) {
    if (isPerson(message.from)) continue;
    const key = pairKey(message.turn, message.from);
    if (!calls.has(key)) calls.set(key, { key, turn: message.turn, agent: message.from, wrote: message });
  }
  const ids = new Set(thread.map((message) => message.id));
  // Each reader of the thread, from the oldest turn it was written to in it.
  const since = new Map<string, number>();
  for (const message of thread) {
    for (const reader of [message.to, ...(message.others ?? [])]) {
      if (!isPerson(reader)) since.set(reader, Math.min(since.get(reader) ?? message.turn, message.turn));
    }
  }
  for (const [agent, turn] of since) {
    for (const call of shownCalls(agent, turn)) {
      if (!call.shown.some((id) => ids.has(id))) continue;
      const key = pairKey(call.turn, call.agent);
      const wrote = calls.get(key);
      if (wrote) wrote.shown = call;
      else calls.set(key, { key, turn: call.turn, agent: call.agent, shown: call });
    }
  }
  return [...calls.values()];
}
