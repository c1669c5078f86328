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

/** Whether a message of a request's thread answers it: the org (not a person) writing to a person's seat. */
export function answersPerson(message: { from: string; to: string }, isPerson: (name: string) => boolean): boolean {
  return isPerson(message.to) && !isPerson(message.from);
}
