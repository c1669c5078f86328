import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDirectory } from '../../mailbox/atomic-write.js';
import { agentPaths } from './state-paths.js';

/** One line of `agents/<name>/logs/activity.jsonl`. */
export interface LogEntry {
  turn: number;
  at: string;
  event: string;
  [field: string]: unknown;
}

/** Append entries to the agent's activity log, creating its `logs/` folder when needed; writes nothing for none. */
export function appendLog(root: string, agent: string, entries: LogEntry[]): void {
  if (entries.length === 0) return;
  const path = agentPaths(root, agent).log;
  ensureDirectory(dirname(path));
  appendFileSync(path, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
}

/**
 * Remove the lines a crashed attempt at `turn` left at the end of the log, so the
 * turn's replay logs each thing once. Only used when recovering.
 */
export function truncateLogFromTurn(root: string, agent: string, turn: number): void {
  const path = agentPaths(root, agent).log;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let keep = lines.length;
  while (keep > 0) {
    const line = lines[keep - 1] ?? '';
    let entryTurn: number | undefined;
    try {
      entryTurn = (JSON.parse(line) as LogEntry).turn;
    } catch {
      entryTurn = turn; // A half-written line is from the crashed attempt.
    }
    if (entryTurn < turn) break;
    keep -= 1;
  }
  if (keep === lines.length && text.endsWith('\n')) return;
  writeFileSync(path, lines.slice(0, keep).map((line) => `${line}\n`).join(''));
}

/** An agent's log entries, oldest first (only the last `count`, when given). */
export function readLog(root: string, agent: string, count?: number): LogEntry[] {
  let text: string;
  try {
    text = readFileSync(agentPaths(root, agent).log, 'utf8');
  } catch {
    return [];
  }
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as unknown;
      // Lines a crash cut short, or a person wrote, that are not log entries are skipped.
      if (entry !== null && typeof entry === 'object' && typeof (entry as LogEntry).turn === 'number') entries.push(entry as LogEntry);
    } catch {
      // A line cut short by a crash.
    }
  }
  return count === undefined ? entries : entries.slice(-count);
}
