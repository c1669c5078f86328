import { quoteName } from '../../mailbox/message-text.js';
import { AGENT_NAME_PATTERN, HUMAN } from '../../org/names.js';
import type { EngineEvent } from '../events.js';
import { MORE } from './refusal-groups.js';

type Refused = Extract<EngineEvent, { type: 'message-refused' }>;

/** `manager -> planner ("Subject"): reason`, or for a group `manager -> planner, hr, … (995 messages): reason`. Pure. */
export function describeRefusal(event: Refused): string {
  if (event.count !== undefined && event.count > 1) {
    const recipients = event.recipients ?? [event.to];
    return `${event.from} -> ${recipients.map(shownName).join(', ')} (${event.count} messages): ${event.reason}`;
  }
  const about = event.subject ? ` ("${event.subject}")` : '';
  return `${event.from} -> ${shownName(event.to)}${about}: ${event.reason}`;
}

/**
 * A recipient as written, when it is in the alphabet of names; else quoted with every character
 * outside printable ASCII escaped, as the refusal's reason says it: `human` with a zero-width joiner
 * shown as itself reads as the person's own name. A group's `…` as it is.
 */
function shownName(name: string): string {
  // A group's `…` (more than it names) is not a recipient.
  return AGENT_NAME_PATTERN.test(name) || name === MORE ? name : quoteName(name);
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
