import type { SendCause } from '../../format/mail-outcomes.js';
import type { Refusal } from './interpret-response.js';

/** How many recipients a grouped refusal names; the count says how many there were. */
export const RECIPIENTS_SHOWN = 5;

export const MORE = '…';

/** Refusals of one reply that share a reason, reported as one line with the count. */
export interface RefusalGroup {
  /** The first refused recipient. */
  to: string;
  /** The subject of the first, when it had one. */
  subject?: string;
  reason: string;
  cause: SendCause;
  /** How many sends were refused for this reason. */
  count: number;
  /** The first few recipients, in order, repeats kept once; `…` last when there were more. */
  recipients: string[];
}

/**
 * Group a reply's refusals by reason, in the order each reason first appears: a model
 * that sends a thousand messages past the cap earns one line on screen and in its log,
 * not 995. Pure.
 */
export function groupRefusals(refusals: readonly Refusal[]): RefusalGroup[] {
  const groups = new Map<string, RefusalGroup>();
  for (const refusal of refusals) {
    const group = groups.get(refusal.reason);
    if (!group) {
      groups.set(refusal.reason, {
        to: refusal.to,
        ...(refusal.subject === undefined ? {} : { subject: refusal.subject }),
        reason: refusal.reason,
        cause: refusal.cause,
        count: 1,
        recipients: [refusal.to],
      });
      continue;
    }
    group.count += 1;
    if (group.recipients.includes(refusal.to) || group.recipients.at(-1) === MORE) continue;
    group.recipients.push(group.recipients.length < RECIPIENTS_SHOWN ? refusal.to : MORE);
  }
  return [...groups.values()];
}
