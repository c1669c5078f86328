import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../engine/events.js';
import { loadOrgForReading } from '../org/load-org-once.js';
import { commandIo, terminalLine, type Output } from './cli-context.js';
import { formatEvent } from './format-event.js';

/** One line of `--log-format json`: what a log collector indexes. */
export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  /** ISO 8601. */
  time: string;
  /** The engine event's type (`turn-started`, `message-delivered`…), or `line` for a sentence meant for a person. */
  event: string;
  org?: string;
  agent?: string;
  turn?: number;
  message?: string;
}

/**
 * Where the records go: standard error, one JSON object a line, through the terminal's one gate:
 * secrets cut (src/secrets, the one place that knows them), control characters escaped (still
 * JSON of the exact text: a collector reads what was said, a person tailing it sees no escapes act).
 */
export function writeLogRecord(record: LogRecord, write: (text: string) => void = (text) => void commandIo().stderr.write(text)): void {
  write(`${terminalLine(JSON.stringify(record))}\n`);
}

const WARNINGS = new Set(['warning', 'message-refused', 'agent-held', 'queue-notice', 'agent-waiting', 'agent-retrying']);
const ERRORS = new Set(['agent-error', 'org-invalid']);

/** The level of an engine event: its failures are errors, its refusals and notices warnings, the rest information. */
function levelOf(event: EngineEvent): LogRecord['level'] {
  if (ERRORS.has(event.type)) return 'error';
  if (WARNINGS.has(event.type)) return 'warn';
  return event.type === 'agent-step' ? 'debug' : 'info';
}

/** An engine event as a log record: its type, the agent and turn it concerns, and the line `--plain` prints for it. */
export function eventRecord(event: EngineEvent, org: string | undefined, now = new Date()): LogRecord {
  const fields = event as { agent?: unknown; turn?: unknown; message?: unknown };
  const agent = typeof fields.agent === 'string' ? fields.agent : event.type === 'message-delivered' ? event.message.from : undefined;
  const line = formatEvent(event);
  return {
    level: levelOf(event),
    time: now.toISOString(),
    event: event.type,
    ...(org === undefined ? {} : { org }),
    ...(agent === undefined ? {} : { agent }),
    ...(typeof fields.turn === 'number' ? { turn: fields.turn } : {}),
    ...(line === undefined ? {} : { message: line }),
  };
}

/**
 * The output of a command under `--log-format json`: every line it would print for a person
 * (standard output or error) becomes a record on standard error; `lemming: …` lines are errors.
 * `record` takes the engine's events (see printEvents' `log` mode).
 */
export function jsonLogOutput(org: () => string | undefined): Output & { record(event: EngineEvent): void } {
  const line = (level: LogRecord['level'], message: string): void => {
    const name = org();
    writeLogRecord({ level, time: new Date().toISOString(), event: 'line', ...(name === undefined ? {} : { org: name }), message });
  };
  return {
    out: (message) => line('info', message),
    err: (message) => line(message.startsWith('lemming: ') ? 'error' : 'warn', message),
    record: (event) => writeLogRecord(eventRecord(event, org())),
  };
}

/** The org's name as the org's loader reads it (the settled org, or the files), for the records' `org` field; undefined where there is no org (a worker's root may hold none). */
export function orgNameAt(root: string): string | undefined {
  if (!existsSync(join(root, 'org', 'org.yaml'))) return undefined;
  try {
    return loadOrgForReading(root).org.name;
  } catch {
    return undefined;
  }
}
