import { carriedOutText } from '../ui/shared/proposal-text.js';
import { invalidText, reloadText } from '../ui/shared/org-edit-text.js';
import { warningText } from '../ui/shared/warning-text.js';
import type { EngineEvent } from '../engine/events.js';
import { budgetWarningText, formatStepTools, showCredits } from '../format/format.js';
import { describeRefusal } from '../engine/turn/refusal-text.js';
import { CAUSE_WORDS, formsText, heldText, refusedText } from '../format/mail-outcomes.js';

/** One readable line (or none) for an engine event: the plain output of `run`. Pure. */
export function formatEvent(event: EngineEvent): string | undefined {
  const turn = 'turn' in event ? `[turn ${event.turn}] ` : '';
  switch (event.type) {
    case 'run-started':
      return `${event.resumed ? 'resuming an unfinished turn of' : 'running'} ${event.org} in ${event.root} (last finished turn: ${event.turn})`;
    case 'org-reloaded':
      return `${turn}${reloadText(event)}`;
    case 'org-invalid':
      return `${turn}${invalidText(event)}`;
    case 'warning':
      return `${turn}warning: ${warningText(event)}`;
    case 'turn-started':
      return `${turn}${event.recovering ? 'finishing an interrupted turn; ' : ''}${event.agents.length} agent(s) at work${event.agents.length > 0 ? `: ${event.agents.join(', ')}` : ''}`;
    case 'agent-called':
      return `${turn}${event.agent} thinking (${event.model}, ${event.reason === 'mail' ? `${event.inbox} message(s)` : event.reason === 'meeting' ? 'meeting' : 'scheduled'}${event.deferred > 0 ? `, ${event.deferred} waiting` : ''})`;
    case 'agent-skipped':
      if (event.reason === 'breaker') return `${turn}${event.agent} held by a circuit breaker: ${event.breaker ?? 'engine.breakers'}`;
      if (event.reason === 'intervention') return `${turn}${event.agent} ${event.breaker ?? CAUSE_WORDS.intervention} (lemming retry ${event.agent} calls it again); its mail waits`;
      if (event.reason === 'budget') return `${turn}${event.agent} held: ${event.budget ?? 'the org'} has reached its budget (org.yaml budget:); its mail waits`;
      return `${turn}${event.agent} skipped: ${event.reason === 'out-of-credits' ? 'out of credits' : `needs about ${showCredits(event.needed ?? 0)} credits, has ${showCredits(event.balance)}`}`;
    case 'message-delivered':
      return `${turn}${event.message.from} -> ${event.message.to}: ${event.message.subject ?? event.message.preview}`;
    case 'message-refused':
      return `${turn}refused ${describeRefusal(event)}`;
    case 'memory-written':
      return undefined;
    case 'credits-charged':
      return undefined;
    case 'agent-note':
      return `${turn}${event.agent}: ${event.message}`;
    case 'agent-error':
      return `${turn}${event.agent} error: ${event.message}`;
    case 'agent-step':
      return `${turn}${event.agent} step ${event.step}: ${formatStepTools(event.tools)}`;
    case 'agent-retrying':
      return `${turn}${event.agent}: ${event.model} failed (${event.cause}); attempt ${event.attempt} of ${event.attempts} in ${(event.waitMs / 1000).toFixed(1)} s`;
    case 'agent-waiting':
      return `${turn}${event.agent}: still waiting for ${event.model} after ${event.seconds} s`;
    case 'agent-held':
      return `${turn}${event.agent} not called: its model ${event.model} failed in ${event.failedTurns} turns in a row (last: ${event.cause}); its mail waits (\`lemming retry ${event.agent}\`)`;
    case 'proposal-carried-out':
      return `${turn}${carriedOutText(event)}`;
    case 'meeting-held':
      return `${turn}meeting ${event.meeting}: ${event.speakers} speaker(s), ${event.rounds} round(s)${event.absent > 0 ? `, ${event.absent} absent` : ''} (${event.file})`;
    case 'intervention':
      return `${turn}intervention: ${event.summary}${event.failed ? ` (not carried out: ${event.failed})` : ''}`;
    case 'agent-done':
      return undefined;
    case 'turn-finished':
      return `${turn}done: ${event.stats.called} called, ${event.stats.delivered} delivered${event.stats.fromHuman > 0 ? ` (+${event.stats.fromHuman} from the human)` : ''}, ${refusedText(event.stats.refusals)}, ${notCarriedOut(event.stats.invalidCalls)}${event.stats.errors} error(s), ${showCredits(event.stats.credits)} credits, ${Math.round(event.stats.durationMs)} ms${[formsText(event.stats.deliveries), heldText(event.stats.refusals)].filter((part) => part !== '').map((part) => `; ${part}`).join('')}`;
    case 'history-writing':
      // Said only when git keeps the run waiting (history-wait.ts): a quick git shows nothing.
      return undefined;
    case 'queue-notice':
      return `queue: ${event.message}`;
    case 'budget-warning':
      return `${turn}${budgetWarningText(event)}`;
    case 'loop-detected':
      return `${turn}${event.action === 'pause' ? 'loop held' : 'loop seen'}: ${event.summary}${event.messages.length > 0 ? ` (${event.messages.map((message) => message.id).join(', ')})` : ''}`;
    case 'run-finished':
      return undefined;
    case 'run-waiting':
      return event.state === 'waiting'
        ? 'idle: waiting for mail; a message sent with `lemming send`, from the dashboard or dropped into an outbox starts the next turn (Ctrl-C stops)'
        : 'the run has ended and runs no more turns; the dashboard stays up until Ctrl-C';
  }
}

/** Tool calls not carried out (an unknown tool, arguments that are not valid), said in a turn's and a run's summary when there were any. */
export function notCarriedOut(invalidCalls: number): string {
  return invalidCalls > 0 ? `${invalidCalls} tool call(s) not carried out, ` : '';
}
