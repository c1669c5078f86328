import type { MessageRecord } from './org-records.js';

/**
 * One row per reader a message reached: a message to k people is k edges of the network, as
 * email data counts it (SNAP's email-Eu-core has an edge for each recipient, copies included).
 * A message to one person is itself, so an org of one-to-one mail measures as it always did. Pure.
 */
export function deliveriesOf(messages: readonly MessageRecord[]): MessageRecord[] {
  if (!messages.some((message) => message.others !== undefined)) return messages as MessageRecord[];
  return messages.flatMap((message) => (message.others === undefined ? [message] : [message, ...message.others.map((to) => ({ ...message, to }))]));
}
