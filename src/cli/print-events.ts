import type { EngineEvent } from '../engine/events.js';
import type { Output } from './cli-context.js';
import { formatEvent } from './format-event.js';
import { showCredits } from '../ui/shared/format.js';
import { paintEvent } from './paint-event.js';

/** Events without the terminal UI: readable lines, or one JSON object per line. */
export type OutputMode = 'plain' | 'json';

/** Print an engine event stream as readable lines or as one JSON object per line; return the last run summary. */
export async function printEvents(
  events: AsyncIterable<EngineEvent>,
  mode: OutputMode,
  output: Output,
  options: { colour?: boolean } = {},
): Promise<Extract<EngineEvent, { type: 'run-finished' }> | undefined> {
  let finished: Extract<EngineEvent, { type: 'run-finished' }> | undefined;
  for await (const event of events) {
    if (event.type === 'run-finished') finished = event;
    if (mode === 'json') {
      output.out(JSON.stringify(event));
      continue;
    }
    const line = formatEvent(event);
    if (line !== undefined) output.out(options.colour ? paintEvent(event, line) : line);
  }
  return finished;
}

const REASONS = {
  idle: 'the org is idle: nobody has unread mail',
  'turn-cap': 'reached the turn cap',
  stopped: 'stopped; the next `lemming run` picks up where this one left off',
} as const;

/** The short summary a run ends with. */
export function runSummary(finished: Extract<EngineEvent, { type: 'run-finished' }>, root: string): string[] {
  const reason =
    finished.reason === 'idle' && finished.stranded.length > 0 ? 'the org is idle: no agent that can pay for a call has unread mail' : REASONS[finished.reason];
  const totals = finished.totals;
  const tokens = totals.inputTokens + totals.outputTokens;
  const stranded =
    finished.stranded.length > 0
      ? [`Out of credits with mail waiting: ${finished.stranded.join(', ')} (\`lemming top-up <agent> <credits>\`).`]
      : [];
  return [
    ...stranded,
    `${finished.turns} turn(s) run, now at turn ${finished.lastTurn}; ${reason}.`,
    `${totals.delivered} message(s) delivered, ${totals.refused} refused, ${totals.errors} error(s); ` +
      `${tokens.toLocaleString('en-US')} tokens, ${showCredits(totals.credits)} credits spent.`,
    `Messages: ${root}/agents/<name>/outbox/. Read the human's mail with \`lemming inbox\`; see credits with \`lemming status\`.`,
  ];
}
