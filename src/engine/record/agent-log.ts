import { closeSync, fstatSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { appendText, byteAt, previousNewline } from '../../storage/write-bytes.js';
import { agentPaths } from './state-paths.js';
import { foundMissing, requireOwnFolders } from '../../org/own-folders.js';
import { forgetAtNextCommand } from '../../invocation.js';
import { LOG_SEGMENT_BYTES, logSegments, moveToSegment } from './log-segments.js';
import { readOwnCacheBytes } from '../../storage/read-own-file.js';
import { cutRecordFile, damagedLineError, shownFrom, wholeRecords, type DamagedLine } from '../../storage/whole-records.js';

/** One line of `agents/<name>/logs/activity.jsonl`. */
export interface LogEntry {
  turn: number;
  at: string;
  event: string;
  [field: string]: unknown;
}

/**
 * Logs this process has appended to: their folder was there, so the next append just tries; with
 * the size the log reached and the turn of that append, so a log is cut into pieces
 * (log-segments.ts) with no look at it until it may be due.
 */
const appendedLogs = new Map<string, { bytes: number; turn: number }>();
forgetAtNextCommand(() => appendedLogs.clear());

/**
 * Append entries to the agent's activity log; writes nothing for none. The first append of a
 * process makes the `logs/` folder when the command's look at the agent's folders found it missing
 * (its log then empty, with no look at it); otherwise it opens the log to append as every append
 * does, and the size that open's own check read (write-bytes.ts) says whether the log is due to be
 * moved to its next piece first, with no look of its own at the log (before: a `stat` of each
 * log, a fresh process's first turn 1,000 more system calls at 1,000 agents). Later appends just
 * append, and make the folder again only when the append finds it gone (a person removed it). So a
 * steady turn costs no `mkdir` or check per agent, and a new org's first turn no failed open and
 * exception per agent. That first append cuts a last line a crash left short (storage/write-bytes.ts,
 * appendText afterWholeLine). A log that has reached LOG_SEGMENT_BYTES is moved to its next piece
 * before the first line of a later turn: a turn's lines are never split between two pieces, so a
 * crashed attempt's lines are all in the log itself (cutLogFromTurn), and a run and its replay cut
 * the log at the same lines.
 */
export function appendLog(root: string, agent: string, entries: LogEntry[]): void {
  const first = entries[0];
  if (first === undefined) return;
  const paths = agentPaths(root, agent);
  let text = '';
  for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
  const known = appendedLogs.get(paths.log);
  if (known) {
    // Looked at only when it may be due: never within the turn of this process's last append to it.
    if (known.bytes >= LOG_SEGMENT_BYTES && first.turn > known.turn) known.bytes = moveWhenFull(paths.log, first.turn, known.turn);
    known.bytes = appendMakingFolder(paths, text, {}) as number;
    known.turn = first.turn;
    return;
  }
  // An agent's log may be the first of its folders a command writes (a refused send, a skip): one that leads out of the org stops the run.
  requireOwnFolders(root, agent);
  // That look found no logs/ (a new org's first turn): made now. One made since the look is there still (mkdir made none).
  if (foundMissing(root, agent, 'logs')) mkdirSync(paths.logs, { recursive: true });
  // The first append of a process cuts a last line a crash left short (write-bytes.ts, afterWholeLine): the entries
  // appended after it would be glued to it and lost with it. One read of the last byte, on the append's own descriptor.
  // A log already at its piece's size is left as it was, and moved first when its last line is of an earlier turn.
  let bytes = appendMakingFolder(paths, text, { afterWholeLine: true, unlessFrom: LOG_SEGMENT_BYTES });
  if (bytes === undefined) {
    moveWhenFull(paths.log, first.turn, undefined);
    bytes = appendMakingFolder(paths, text, { afterWholeLine: true }) as number;
  }
  if (appendedLogs.size >= 200_000) appendedLogs.clear();
  appendedLogs.set(paths.log, { bytes, turn: first.turn });
}

/** appendText to the log, its `logs/` folder made when the append finds it missing: the log's size after, or undefined when `unlessFrom` left it alone. */
function appendMakingFolder(paths: { log: string; logs: string }, text: string, options: { afterWholeLine?: boolean; unlessFrom?: number }): number | undefined {
  try {
    return appendText(paths.log, text, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(paths.logs, { recursive: true });
    return appendText(paths.log, text, options);
  }
}

/**
 * Move a log that has reached LOG_SEGMENT_BYTES to its next piece when its last line is of an
 * earlier turn than `turn` (`lastTurn`: the last append's, when this process made it); the log's
 * size after.
 */
function moveWhenFull(log: string, turn: number, lastTurn: number | undefined): number {
  const bytes = statSync(log, { throwIfNoEntry: false })?.size ?? 0;
  if (bytes < LOG_SEGMENT_BYTES || !(turn > (lastTurn ?? lastLineTurn(log)))) return bytes;
  moveToSegment(log);
  return 0;
}

/** The turn of the log's last whole line (-Infinity for none, or a line that is not an entry). */
function lastLineTurn(log: string): number {
  let descriptor: number;
  try {
    descriptor = openSync(log, 'r');
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
  try {
    let last = Number.NEGATIVE_INFINITY;
    walkBack(descriptor, fstatSync(descriptor).size, () => false, (line) => {
      if (line.trim() === '') return true;
      last = lineTurn(line);
      return false;
    });
    return last;
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Remove the lines a crashed attempt at `turn` left at the end of the log, so the turn's
 * replay logs each thing once. The log is never rewritten: it is read backwards from its
 * end, a chunk at a time, to the last line of an earlier turn, and cut there with one
 * truncate. So memory stays constant whatever the log's size, and a crash during recovery
 * leaves either the whole log or the log without the crashed attempt's lines.
 */
export function cutLogFromTurn(root: string, agent: string, turn: number): void {
  const path = agentPaths(root, agent).log;
  // Its size is not what this process's appends made it any more.
  appendedLogs.delete(path);
  cutRecordFile(path, (descriptor, size) => keptLength(descriptor, size, turn));
}

/** Lines longer than this are not parsed while cutting; no line lemming writes comes near it. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** The length of the log up to and including its last whole line from a turn before `turn`. */
function keptLength(descriptor: number, size: number, turn: number): number {
  return walkBack(descriptor, size, (line) => lineTurn(line) < turn, () => undefined);
}

/**
 * Visit the log's whole lines from its end backwards until one `isOlder` (blank lines are not asked),
 * and return where the first visited starts. A last line without its newline (cut short by a crash)
 * is passed over. Reads a chunk at a time: memory does not grow with the log.
 */
function walkBack(descriptor: number, size: number, isOlder: (line: string) => boolean, visit: (line: string, start: number) => boolean | void): number {
  let end = size;
  if (size > 0 && byteAt(descriptor, size - 1) !== 10) end = previousNewline(descriptor, size) + 1;
  while (end > 0) {
    const start = previousNewline(descriptor, end - 1) + 1;
    const length = end - start;
    if (length > MAX_LINE_BYTES) return end;
    const line = Buffer.alloc(length);
    readSync(descriptor, line, 0, length, start);
    const text = line.toString('utf8');
    if (text.trim() !== '' && isOlder(text)) return end;
    if (visit(text, start) === false) return start;
    end = start;
  }
  return 0;
}

/**
 * The log's entries of `turn` and later, oldest first, read from the end: no older line is read,
 * and an earlier piece of the log (log-segments.ts) only when the log itself holds none older. By the
 * rule of every record lemming appends to (storage/whole-records.ts), as readLog: lines that are no
 * entry at a file's end are its torn tail, passed over; one with an entry after it stops the reader
 * naming the file and the line (skipped, the turn's refusals, breakers and requests would go without it).
 */
export function readLogSince(root: string, agent: string, turn: number): LogEntry[] {
  const log = agentPaths(root, agent).log;
  const entries: LogEntry[] = [];
  let segments: string[] | undefined;
  for (let path: string | undefined = log; path !== undefined; path = (segments ??= logSegments(log)).pop()) {
    let descriptor: number;
    try {
      descriptor = openSync(path, 'r');
    } catch {
      continue;
    }
    let reachedStart: boolean;
    try {
      // Where the nearest entry after the line being read starts, once one was read in this file.
      let next: number | undefined;
      const older = (line: string): boolean => {
        const entry = parseEntry(line);
        return entry !== undefined && entry.turn < turn;
      };
      reachedStart =
        walkBack(descriptor, fstatSync(descriptor).size, older, (line, start) => {
          const entry = parseEntry(line);
          if (entry) {
            entries.push(entry);
            next = start;
          } else if (next !== undefined) {
            throw damagedLineError(damagedLine(path as string), lineNumber(descriptor, start), lineNumber(descriptor, next));
          }
        }) === 0;
    } finally {
      closeSync(descriptor);
    }
    if (!reachedStart) break;
  }
  return entries.reverse();
}

/** The number (from 1) of the line that starts at `position`: the newlines before it, counted a chunk at a time (only to name a damaged line). */
function lineNumber(descriptor: number, position: number): number {
  let count = 1;
  const chunk = Buffer.alloc(64 * 1024);
  for (let at = 0; at < position; at += chunk.length) {
    const read = readSync(descriptor, chunk, 0, Math.min(chunk.length, position - at), at);
    if (read <= 0) break;
    for (let index = 0; index < read; index += 1) if (chunk[index] === 10) count += 1;
  }
  return count;
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

/**
 * An agent's log entries, oldest first, its earlier pieces (log-segments.ts) before it; only the
 * last `count`, when given, reading no more pieces than they take.
 */
export function readLog(root: string, agent: string, count?: number): LogEntry[] {
  const log = agentPaths(root, agent).log;
  const files = [...logSegments(log), log];
  const pieces: LogEntry[][] = [];
  let held = 0;
  for (let index = files.length - 1; index >= 0 && (count === undefined || held < count); index -= 1) {
    const entries = readEntries(files[index] as string);
    pieces.unshift(entries);
    held += entries.length;
  }
  const entries = pieces.flat();
  return count === undefined ? entries : entries.slice(-count);
}

/**
 * The entries of one file of a log (none when it is missing), by the rule of every record lemming
 * appends to (storage/whole-records.ts): a last line a crash cut short is passed over; a line that is
 * no entry with entries after it stops the reader naming the file and the line. Skipped, `logs` would
 * show an entry fewer and `analyze` read the log without it, unsaid.
 */
function readEntries(path: string): LogEntry[] {
  // A pipe or a folder in its place is no log (a run stops on it as it appends: write-bytes.ts, openOwnFile).
  const bytes = readOwnCacheBytes(path);
  if (bytes === undefined) return [];
  return wholeEntries(bytes, path).records;
}

/**
 * The entries in `bytes` of the log file at `path` (from its start, or from after its first `linesBefore`
 * lines, for a reader that reads on from where it stopped), by the rule of storage/whole-records.ts: how
 * many bytes they and the lines before them take, a torn tail past that; a damaged line throws, named.
 */
export function wholeEntries(bytes: Buffer, path: string, linesBefore = 0): { records: LogEntry[]; wholeBytes: number } {
  return wholeRecords(bytes, parseEntry, damagedLine(path), linesBefore);
}

/** A log's file as a person finds it from the org root (`agents/<name>/logs/...`). Pure. */
function shownLog(path: string): string {
  return shownFrom(path, 'agents');
}

function damagedLine(path: string): DamagedLine {
  return {
    code: 'log-line',
    file: shownLog(path),
    holds: 'an entry of the activity log (a JSON object on one line with its turn, a whole number, such as {"turn":3,"at":"2026-11-21T09:14:03.120Z","event":"called",...})',
    then:
      '; read past it, `logs` would show an entry fewer and an analysis would be made without it. Mend or delete that one line (an org that keeps its history ' +
      `has the log as turn N left it: \`lemming show --at N ${shownLog(path)}\`), then run again.`,
  };
}

/**
 * A line as an entry; undefined for a line a crash cut short, or one a person wrote that is not an entry:
 * its turn is a whole number of 0 or more, as the engine writes it (a turn of -4 or 1e308 was read, and
 * `trace` sent "turns 1 to 1e+308").
 */
function parseEntry(line: string): LogEntry | undefined {
  try {
    const entry = JSON.parse(line) as unknown;
    const turn: unknown = entry !== null && typeof entry === 'object' ? (entry as LogEntry).turn : undefined;
    return typeof turn === 'number' && Number.isSafeInteger(turn) && turn >= 0 ? (entry as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}
