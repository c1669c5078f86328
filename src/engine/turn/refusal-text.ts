import { HUMAN } from '../../org/names.js';
import type { EngineEvent } from '../events.js';

type Refused = Extract<EngineEvent, { type: 'message-refused' }>;

/** `manager -> planner ("Subject"): reason`, or for a group `manager -> planner, hr, … (995 messages): reason`. Pure. */
export function describeRefusal(event: Refused): string {
  if (event.count !== undefined && event.count > 1) {
    const recipients = event.recipients ?? [event.to];
    return `${event.from} -> ${recipients.join(', ')} (${event.count} messages): ${event.reason}`;
  }
  const about = event.subject ? ` ("${event.subject}")` : '';
  return `${event.from} -> ${event.to}${about}: ${event.reason}`;
}

/** Counts with one more delivered message: the human's mail counted apart from the org's work. Pure. */
export function countDelivered<Counts extends { delivered: number; fromHuman: number }>(counts: Counts, from: string): Counts {
  return addDelivered({ ...counts }, from);
}

/**
 * countDelivered in place, for a turn's own figures: one delivery a busy agent, where a copy of the
 * figures (a literal that starts with a spread, built in V8's runtime) cost some microseconds each.
 */
export function addDelivered<Counts extends { delivered: number; fromHuman: number }>(counts: Counts, from: string): Counts {
  if (from === HUMAN) counts.fromHuman += 1;
  else counts.delivered += 1;
  return counts;
}
