import { carriedOutText } from '../shared/proposal-text.js';
import type { AwaitedAnswer } from '../../engine/human/awaited-answer.js';
import type { DriveOutcome } from '../../engine/human/drive-until-reply.js';
import { invalidText, reloadText } from '../shared/org-edit-text.js';
import { warningText } from '../shared/warning-text.js';
import type { EngineEvent } from '../../engine/events.js';
import { CAUSE_WORDS } from '../../format/mail-outcomes.js';

/**
 * Advances turns for `chat --drive` until `awaiting` (the request sent last) is answered; tests
 * pass a scripted one. The outcome is the generator's return value.
 */
export interface ChatDriver {
  drive(signal: AbortSignal, awaiting?: AwaitedAnswer): AsyncGenerator<EngineEvent, DriveOutcome>;
}

/** A short line for what a driven turn did, for the chat's activity area. Pure. */
export function describeDriveEvent(event: EngineEvent): string | undefined {
  switch (event.type) {
    case 'turn-started':
      return `turn ${event.turn}: ${event.agents.length > 0 ? event.agents.join(', ') : 'nobody'} at work`;
    case 'message-delivered':
      return `turn ${event.turn}: ${event.message.from} → ${event.message.to}: ${event.message.subject ?? event.message.preview}`;
    case 'message-refused':
      return `turn ${event.turn}: refused ${event.from} → ${event.to}: ${event.reason}`;
    case 'agent-error':
      return `turn ${event.turn}: ${event.agent} error: ${event.message}`;
    case 'agent-retrying':
      return `turn ${event.turn}: ${event.agent}: ${event.model} failed (${event.cause}); attempt ${event.attempt} of ${event.attempts} in ${(event.waitMs / 1000).toFixed(1)} s`;
    case 'agent-waiting':
      return `turn ${event.turn}: ${event.agent}: still waiting for ${event.model} after ${event.seconds} s`;
    case 'agent-held':
      return `turn ${event.turn}: ${event.agent} not called: its model ${event.model} keeps failing (\`lemming retry ${event.agent}\`)`;
    case 'agent-skipped':
      return `turn ${event.turn}: ${event.agent} ${event.reason === 'breaker' ? `held by a circuit breaker: ${event.breaker ?? 'engine.breakers'}` : event.reason === 'intervention' ? (event.breaker ?? CAUSE_WORDS.intervention) : event.reason === 'budget' ? `held: ${event.budget ?? 'the org'} has reached its budget` : 'skipped: out of credits'}`;
    case 'warning':
      return `turn ${event.turn}: warning: ${warningText(event)}`;
    case 'org-reloaded':
      return reloadText(event);
    case 'proposal-carried-out':
      return `turn ${event.turn}: ${carriedOutText(event)}`;
    case 'org-invalid':
      return invalidText(event);
    case 'queue-notice':
      return `queue: ${event.message}`;
    default:
      return undefined;
  }
}

/** How a drive ended, in words. `from` is who wrote to the human, when someone did. */
export function describeOutcome(outcome: DriveOutcome, from?: string): string {
  const turns = `${outcome.turns} turn${outcome.turns === 1 ? '' : 's'}`;
  switch (outcome.reason) {
    case 'replied':
      return `${from ?? 'someone'} wrote to you after ${turns}${outcome.answer !== undefined ? `, answering your request (${outcome.answer})` : ''}`;
    case 'idle':
      return outcome.replies.length > 0
        ? `the org is idle after ${turns}; mail came to you, but nothing answers your last request yet (\`lemming requests\` says where it stands)`
        : `the org is idle after ${turns} and nobody wrote to you`;
    case 'turn-cap':
      return `no reply after ${turns} (the cap); send again to go on, or use \`lemming run\``;
    case 'stopped':
      return `stopped after ${turns}; the next run finishes the turn in progress`;
  }
}
