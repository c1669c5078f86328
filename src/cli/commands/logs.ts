import { readLog, type LogEntry } from '../../engine/record/agent-log.js';
import { orgForReading } from '../org-for-reading.js';
import { requireAgent } from '../../org/must-exist.js';
import type { Output } from '../cli-context.js';

/** One log entry as a line: turn, time, event, and its fields. */
export function formatLogEntry(entry: LogEntry): string {
  const { turn, at, event, ...fields } = entry;
  const details = Object.entries(fields)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? JSON.stringify(value.length > 200 ? `${value.slice(0, 197)}...` : value) : JSON.stringify(value)}`)
    .join(' ');
  return `[turn ${turn}] ${at} ${event}${details ? ` ${details}` : ''}`;
}

/**
 * `lemming logs <agent>`: the last `lines` (default 20) entries of its activity log. Throws
 * LemmingError for an unknown agent.
 */
export function logsCommand(root: string, agent: string, options: { lines?: number; json?: boolean }, output: Output): number {
  const { org } = orgForReading(root, output);
  requireAgent(org, agent);
  const entries = readLog(root, agent, options.lines ?? 20);
  if (entries.length === 0 && !options.json) output.out(`${agent} has no log yet (agents/${agent}/logs/activity.jsonl)`);
  for (const entry of entries) output.out(options.json ? JSON.stringify(entry) : formatLogEntry(entry));
  return 0;
}
