import type { EngineEvent } from '../engine/events.js';
import { HUMAN } from '../org/names.js';
import type { NotifyEvent } from '../org/schema.js';
import { budgetWarningText, type CommandHint } from '../format/format.js';

/** Something a person should know, as every notify target is told it (see payload.ts for the wire forms). */
export interface Notification {
  event: NotifyEvent;
  turn: number;
  /** One line: who, and what needs them. */
  title: string;
  /** A few lines more, with the command that acts on it. */
  text: string;
  /** The facts, for a program that reads the JSON form. */
  details: Record<string, unknown>;
}

/**
 * What, of the engine's events, a person is told: a message that reached the human, a proposal
 * that waits for their approval, an agent held because its models keep failing, a run that ended
 * with work it cannot do. `describeProposal` says what a proposal asks (read from its file);
 * `command` writes the commands that act on it, as they work where the notification is read. Pure.
 */
export function notificationsOf(event: EngineEvent, describeProposal: (id: string) => string | undefined, command: CommandHint): Notification[] {
  switch (event.type) {
    case 'message-delivered': {
      const message = event.message;
      if (message.to !== HUMAN) return [];
      return [
        {
          event: 'human-message',
          turn: event.turn,
          title: `${message.from} wrote to you${message.subject ? `: ${message.subject}` : ''}`,
          text: `${message.preview}\n\nRead it with \`${command('inbox')}\` (${message.id}).`,
          details: { id: message.id, from: message.from, subject: message.subject ?? null, priority: message.priority, preview: message.preview, file: message.file },
        },
      ];
    }
    case 'agent-step':
      return event.tools.flatMap((tool) => {
        if (tool.proposal === undefined) return [];
        const what = describeProposal(tool.proposal) ?? `a ${tool.name} call`;
        return [
          {
            event: 'proposal' as const,
            turn: event.turn,
            title: `${event.agent} asks for your approval: ${what}`,
            text: `Proposal ${tool.proposal} waits. Decide with \`${command(`approve ${tool.proposal}`)}\` or \`${command(`reject ${tool.proposal} --reason "..."`)}\`.`,
            details: { proposal: tool.proposal, agent: event.agent, tool: tool.name, what },
          },
        ];
      });
    case 'agent-held':
      return [
        {
          event: 'agent-held',
          turn: event.turn,
          title: `${event.agent} is held: its model ${event.model} failed in ${event.failedTurns} turns in a row`,
          text: `The last failure: ${event.cause}\n\nIts mail waits. Fix the model, then \`${command(`retry ${event.agent}`)}\`.`,
          details: { agent: event.agent, model: event.model, failedTurns: event.failedTurns, cause: event.cause },
        },
      ];
    case 'budget-warning':
      return [
        {
          event: 'budget',
          turn: event.turn,
          title: budgetWarningText(event),
          text:
            event.share >= 1
              ? `Agents with mail are held and their mail waits. Raise ${event.department === undefined ? 'budget.credits' : `budget.departments.${event.department}.credits`} in org/org.yaml to go on; \`${command('status')}\` shows what was spent.`
              : `\`${command('status')}\` shows what was spent; at the ceiling no new model call starts.`,
          details: { department: event.department ?? null, share: event.share, spent: event.spent, ceiling: event.ceiling },
        },
      ];
    case 'loop-detected':
      return [
        {
          event: 'loop',
          turn: event.turn,
          title: `${event.action === 'pause' ? 'Held' : 'Seen'}: ${event.summary}`,
          text: `${event.messages.map((message) => `${message.id} (${message.file}): "${message.quote}"`).join('\n')}${event.action === 'pause' ? `\n\n${event.agents.map((agent) => `\`${command(`retry ${agent}`)}\``).join(', ')} calls them again.` : ''}`,
          details: { kind: event.kind, action: event.action, agents: event.agents, messages: event.messages },
        },
      ];
    case 'run-finished':
      if (event.reason !== 'models-failing') return [];
      return [
        {
          event: 'run-error',
          turn: event.lastTurn,
          title: `The run stopped at turn ${event.lastTurn}: mail waits for agents whose models keep failing`,
          text: `Waiting: ${event.failing.join(', ')}. \`${command('status')}\` says why; \`${command('retry <agent>')}\` calls one again.`,
          details: { reason: event.reason, failing: event.failing, stranded: event.stranded },
        },
      ];
    default:
      return [];
  }
}

/** A run that stopped with an error (a full disk, a replay that met an unrecorded call, a lost queue) as a notification. */
export function runFailure(message: string, turn: number, command: CommandHint): Notification {
  return {
    event: 'run-error',
    turn,
    title: `The run stopped with an error after turn ${turn}`,
    text: `${message}\n\nThe next \`${command('run')}\` resumes where it stopped.`,
    details: { reason: 'error', error: message },
  };
}
