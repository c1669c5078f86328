import type { DeliveryForm } from '../../format/mail-outcomes.js';
import type { OrgRecords } from './org-records.js';

/** One reader reached: by a message (its id) or by a speech in a meeting, in `turn`, by `form`. */
export interface RecordedDelivery {
  from: string;
  to: string;
  turn: number;
  form: DeliveryForm;
}

/**
 * One row per reader reached: a message to k people is k edges of the network, as email data counts
 * it (SNAP's email-Eu-core has an edge for each recipient, copies included), a post to a list one per
 * member, and a meeting's speech one per attendee present who heard it. Each with its form. Pure.
 */
export function deliveriesOf(records: Pick<OrgRecords, 'messages' | 'meetings'>): RecordedDelivery[] {
  const deliveries: RecordedDelivery[] = [];
  for (const message of records.messages) {
    const readers = [message.to, ...(message.others ?? [])];
    readers.forEach((to, index) => deliveries.push({ from: message.from, to, turn: message.turn, form: message.forms?.[index] ?? (readers.length === 1 ? 'direct' : 'to') }));
  }
  for (const heard of records.meetings ?? []) deliveries.push({ from: heard.from, to: heard.to, turn: heard.turn, form: 'meeting' });
  return deliveries;
}
