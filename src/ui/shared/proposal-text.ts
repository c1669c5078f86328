import type { EngineEvent } from '../../engine/events.js';

type CarriedOut = Extract<EngineEvent, { type: 'proposal-carried-out' }>;

/** The line for an approval the running engine carried out: the run screen, chat and plain output say the same. Pure. */
export function carriedOutText(event: CarriedOut): string {
  return `${event.failed ? '' : `approved ${event.id}: `}${event.summary} (${event.proposer} is told this turn)`;
}
