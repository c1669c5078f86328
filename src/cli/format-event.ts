import { formatProblem } from '../errors.js';
import type { EngineEvent } from '../engine/events.js';
import { formatStepTools, showCredits } from '../ui/shared/format.js';

/** One readable line (or none) for an engine event: the plain output of `run`. Pure. */
export function formatEvent(event: EngineEvent): string | undefined {
  const turn = 'turn' in event ? `[turn ${event.turn}] ` : '';
  switch (event.type) {
    case 'run-started':
      return `${event.resumed ? 'resuming an unfinished turn of' : 'running'} ${event.org} in ${event.root} (last finished turn: ${event.turn})`;
    case 'org-reloaded': {
      const parts = event.files.map((file) => `${file} reloaded`);
      if (event.joined.length > 0) parts.push(`joined: ${event.joined.join(', ')}`);
      if (event.left.length > 0) parts.push(`left: ${event.left.join(', ')}`);
      return `${turn}${parts.join('; ')}`;
    }
    case 'org-invalid':
      return `${turn}the org's files have errors; the last valid version stays in force:\n${event.problems
        .filter((problem) => problem.severity === 'error')
        .map((problem) => `  ${formatProblem(problem)}`)
        .join('\n')}`;
    case 'warning':
      return `${turn}warning: ${event.file ? `${event.file}: ` : ''}${event.message}`;
    case 'turn-started':
      return `${turn}${event.recovering ? 'finishing an interrupted turn; ' : ''}${event.agents.length} agent(s) at work${event.agents.length > 0 ? `: ${event.agents.join(', ')}` : ''}`;
    case 'agent-called':
      return `${turn}${event.agent} thinking (${event.model}, ${event.reason === 'mail' ? `${event.inbox} message(s)` : 'scheduled'}${event.deferred > 0 ? `, ${event.deferred} waiting` : ''})`;
    case 'agent-skipped':
      return `${turn}${event.agent} skipped: ${event.reason === 'out-of-credits' ? 'out of credits' : `needs about ${showCredits(event.needed ?? 0)} credits, has ${showCredits(event.balance)}`}`;
    case 'message-delivered':
      return `${turn}${event.message.from} -> ${event.message.to}: ${event.message.subject ?? event.message.preview}`;
    case 'message-refused':
      return `${turn}refused ${event.from} -> ${event.to}: ${event.reason}`;
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
    case 'agent-done':
      return undefined;
    case 'turn-finished':
      return `${turn}done: ${event.stats.called} called, ${event.stats.delivered} delivered, ${event.stats.refused} refused, ${event.stats.errors} error(s), ${showCredits(event.stats.credits)} credits, ${Math.round(event.stats.durationMs)} ms`;
    case 'run-finished':
      return undefined;
  }
}
