import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { appendText } from '../../storage/write-bytes.js';
import { agentPaths } from './state-paths.js';
import { forgetAtNextCommand } from '../../invocation.js';

/** One line of `agents/<name>/logs/activity.jsonl`. */
export interface LogEntry {
  turn: number;
  at: string;
  event: string;
  [field: string]: unknown;
}

/** Logs this process has appended to: their folder was there, so the next append just tries. */
const appendedLogs = new Set<string>();
forgetAtNextCommand(() => appendedLogs.clear());

/**
 * Append entries to the agent's activity log; writes nothing for none. The first append
 * of a process looks for the `logs/` folder (one `access`, no exception) and makes it when
 * missing; later ones just append, and make it again only when the append finds it gone
 * (a person removed it). So a steady turn costs no `mkdir` or check per agent, and a new
 * org's first turn no failed open and exception per agent.
 */
export function appendLog(root: string, agent: string, entries: LogEntry[]): void {
  if (entries.length === 0) return;
  const paths = agentPaths(root, agent);
  let text = '';
  for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
  if (!appendedLogs.has(paths.log)) {
    if (!existsSync(paths.logs)) mkdirSync(paths.logs, { recursive: true });
    appendText(paths.log, text);
    if (appendedLogs.size >= 200_000) appendedLogs.clear();
    appendedLogs.add(paths.log);
    return;
  }
  try {
    appendText(paths.log, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(paths.logs, { recursive: true });
    appendText(paths.log, text);
  }
}

/** How much of the log's end is read at a time while looking for where a crashed attempt's lines begin. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Remove the lines a crashed attempt at `turn` left at the end of the log, so the turn's
 * replay logs each thing once. The log is never rewritten: it is read backwards from its
 * end, a chunk at a time, to the last line of an earlier turn, and cut there with one
 * truncate. So memory stays constant whatever the log's size, and a crash during recovery
 * leaves either the whole log or the log without the crashed attempt's lines.
 */
export function cutLogFromTurn(root: string, agent: string, turn: number): void {
  const path = agentPaths(root, agent).log;
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r+');
  } catch {
    return;
  }
  try {
    const size = fstatSync(descriptor).size;
    const keep = keptLength(descriptor, size, turn);
    if (keep < size) ftruncateSync(descriptor, keep);
  } finally {
    closeSync(descriptor);
  }
}

/** Lines longer than this are not parsed while cutting; no line lemming writes comes near it. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** The length of the log up to and including its last whole line from a turn before `turn`. */
function keptLength(descriptor: number, size: number, turn: number): number {
  return walkBack(descriptor, size, turn, () => undefined);
}

/**
 * Visit the log's whole lines from its end backwards while they are of `turn` or later, and
 * return where the first of them starts. A last line without its newline (cut short by a
 * crash) is passed over. Reads a chunk at a time: memory does not grow with the log.
 */
function walkBack(descriptor: number, size: number, turn: number, visit: (line: string) => void): number {
  let end = size;
  if (size > 0 && byteAt(descriptor, size - 1) !== 10) end = previousNewline(descriptor, size) + 1;
  while (end > 0) {
    const start = previousNewline(descriptor, end - 1) + 1;
    const length = end - start;
    if (length > MAX_LINE_BYTES) return end;
    const line = Buffer.alloc(length);
    readSync(descriptor, line, 0, length, start);
    const text = line.toString('utf8');
    if (text.trim() !== '' && lineTurn(text) < turn) return end;
    visit(text);
    end = start;
  }
  return 0;
}

/** The log's entries of `turn` and later, oldest first, read from the end: no older line is read. */
export function readLogSince(root: string, agent: string, turn: number): LogEntry[] {
  let descriptor: number;
  try {
    descriptor = openSync(agentPaths(root, agent).log, 'r');
  } catch {
    return [];
  }
  const entries: LogEntry[] = [];
  try {
    walkBack(descriptor, fstatSync(descriptor).size, turn, (line) => {
      try {
        const entry = JSON.parse(line) as LogEntry;
        if (entry && typeof entry === 'object' && typeof entry.turn === 'number') entries.push(entry);
      } catch {
        // A line cut short: not an entry.
      }
    });
  } finally {
    closeSync(descriptor);
  }
  return entries.reverse();
}

function byteAt(descriptor: number, position: number): number | undefined {
  const byte = Buffer.alloc(1);
  return readSync(descriptor, byte, 0, 1, position) === 1 ? byte[0] : undefined;
}

/** The offset of the last newline before `position`, or -1; reads backwards a chunk at a time. */
function previousNewline(descriptor: number, position: number): number {
  let chunkEnd = position;
  while (chunkEnd > 0) {
    const chunkStart = Math.max(0, chunkEnd - CHUNK_BYTES);
    const chunk = Buffer.alloc(chunkEnd - chunkStart);
    readSync(descriptor, chunk, 0, chunk.length, chunkStart);
    const index = chunk.lastIndexOf(10);
    if (index >= 0) return chunkStart + index;
    chunkEnd = chunkStart;
  }
  return -1;
}

function lineTurn(line: string): number {
  try {
    const turn = (JSON.parse(line) as LogEntry).turn;
    return typeof turn === 'number' ? turn : Number.NEGATIVE_INFINITY;
  } catch {
    // A line a person wrote, or one cut short long ago: not the crashed attempt's, so it stays.
    return Number.NEGATIVE_INFINITY;
  }
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
