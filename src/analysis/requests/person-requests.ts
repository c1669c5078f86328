/** A message as the rule of who makes a request needs it. */
export interface RequestCandidate {
  id: string;
  from: string;
  turn: number;
  replyTo?: string;
}

/**
 * The requests people made, oldest first: every message from a person's seat (the human's, and each
 * of org.yaml `outside_seats`: any agent with `model: human`) that answers no message the org holds
 * (a reply of theirs is part of the thread it answers). The one rule of who makes a request, for
 * `lemming requests` (and the page) and `lemming analyze` (and the library). Pure.
 */
export function personRequests<Message extends RequestCandidate>(messages: Iterable<Message>, isPerson: (name: string) => boolean, known: (id: string) => boolean): Message[] {
  const requests: Message[] = [];
  for (const message of messages) {
    if (!isPerson(message.from)) continue;
    if (message.replyTo !== undefined && known(message.replyTo)) continue;
    requests.push(message);
  }
  return requests.sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
}

/**
 * A request's answer: the first message of its thread (by turn, then id) the org, not a person, wrote
 * to a person's seat; undefined while none has. The one rule of `lemming requests` (and the page) and
 * `lemming analyze`, whose path, hops and turns run to it. Pure.
 */
export function answerOf<Message extends { id: string; from: string; to: string; turn: number }>(thread: readonly Message[], isPerson: (name: string) => boolean): Message | undefined {
  let first: Message | undefined;
  for (const message of thread) {
    if (!isPerson(message.to) || isPerson(message.from)) continue;
    if (!first || message.turn < first.turn || (message.turn === first.turn && message.id < first.id)) first = message;
  }
  return first;
}

/** A message of a request's thread as the waiting rule needs it: its readers are `to` and `others` (a list's members in the list's place). */
export interface ReadMessage {
  id: string;
  from: string;
  to: string;
  turn: number;
  others?: readonly string[];
}

/** An agent a request waits on: since the turn of the oldest message of the thread it read and has written nothing in it after. */
export interface WaitingOn {
  agent: string;
  since: number;
  message: string;
}

/**
 * Whom an unanswered request waits on: each agent (no person's seat) that read a message of its thread
 * and has written nothing in it since, once, from the oldest such message. The one rule of
 * `lemming requests` (and the page) and `lemming analyze`. Pure.
 */
export function waitingOn(thread: readonly ReadMessage[], isPerson: (name: string) => boolean): WaitingOn[] {
  const waiting: WaitingOn[] = [];
  const oldestFirst = [...thread].sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
  for (const message of oldestFirst) {
    for (const reader of [message.to, ...(message.others ?? [])]) {
      if (isPerson(reader) || waiting.some((entry) => entry.agent === reader)) continue;
      if (thread.some((later) => later.from === reader && later.turn > message.turn)) continue;
      waiting.push({ agent: reader, since: message.turn, message: message.id });
    }
  }
  return waiting;
}
