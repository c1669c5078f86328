import type { EngineEvent } from '../engine/events.js';

const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], dim: [2, 22] } as const;
type Style = keyof typeof CODES;

function paint(style: Style, text: string): string {
  const [open, close] = CODES[style];
  return text === '' ? text : `\u001B[${open}m${text}\u001B[${close}m`;
}

function styleOf(event: EngineEvent): Style | undefined {
  switch (event.type) {
    case 'message-refused':
    case 'agent-error':
    case 'agent-held':
    case 'org-invalid':
      return 'red';
    case 'agent-note':
      return event.error ? 'red' : 'yellow';
    case 'warning':
    case 'agent-skipped':
    case 'agent-retrying':
    case 'agent-waiting':
      return 'yellow';
    case 'queue-notice':
      return event.notice === 'unserved' || event.notice === 'workers-unseen' ? 'yellow' : undefined;
    case 'org-reloaded':
      return 'green';
    case 'proposal-carried-out':
      return event.failed ? 'red' : 'green';
    case 'intervention':
      return event.failed ? 'red' : 'green';
    case 'message-delivered':
      return event.message.to === 'human' ? 'cyan' : undefined;
    case 'turn-finished':
      return 'dim';
    default:
      return undefined;
  }
}

/** Colour a plain line by what its event means: trouble red, edits green, mail for the person cyan; the turn prefix dim. */
export function paintEvent(event: EngineEvent, line: string): string {
  const style = styleOf(event);
  return line
    .split('\n')
    .map((part) => {
      const prefix = /^\[turn \d+\] /.exec(part)?.[0] ?? '';
      const rest = part.slice(prefix.length);
      return paint('dim', prefix) + (style ? paint(style, rest) : rest);
    })
    .join('\n');
}
