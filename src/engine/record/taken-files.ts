import type { DeliveredMail } from '../../mailbox/readable-mail.js';
import { nameRecord } from '../../org/names.js';
import { closeSync, fstatSync, statSync } from 'node:fs';
import { cutRecord, linesBefore, moveWhenFull, readRecordFrom, recordLayout, recordLines } from '../../storage/record-pieces.js';
import { EXIT, LemmingError } from '../../errors.js';
import { crashPoint } from './crash-points.js';
import { openOwnFile, storageFault } from '../../storage/write-bytes.js';
import { writeAll } from '../../storage/write-bytes.js';
import { forgetAtNextCommand } from '../../invocation.js';
import type { HoldCause } from '../../format/mail-outcomes.js';
import type { RuleDraws } from '../turn/activation.js';

/**
 * One turn's line of `org/state/taken.jsonl`: the outbox files the engine took in during
 * that turn, by outbox, and the agents with work it held back. A file is taken in when the engine wrote it, delivered it, refused
 * it, or skipped it with a warning, and when an agent joined with it already in its outbox.
 * This is how the engine knows what is new in an outbox: by the files' names, never by
 * their times or the order of their names, so copying, moving, touching or restoring files
 * can neither lose nor repeat mail. The line also says which of them were not delivered, so
 * `read_message` knows, without scanning anything, whether a file in an outbox ever arrived.
 */
export interface TakenLine {
  turn: number;
  files: Record<string, string[]>;
  /**
   * The files of `files` taken in without being delivered: refused by the chart, skipped (broken,
   * named for a turn to come, not a regular file), or history of an agent that joined. Absent
   * when every file was delivered (and in lines written before lemming kept it).
   */
  undelivered?: Record<string, string[]>;
  /**
   * Agents with work the turn did not call, by cause (credits, a ceiling, a loop breaker, activation's
   * draw): counted from the turn's plan, so a turn finished after a crash says the same. Absent: none.
   */
  held?: Partial<Record<HoldCause, number>>;
  /**
   * Each activation rule that governed an agent with work in the turn: how many, how many it drew, and of them the agents
   * no earlier line of the run named (`firstGoverned`, `firstDrawn`; see namedFirst). Absent: none did.
   */
  draws?: RuleDraws[];
}

/** What the record says of one outbox file: never taken in, taken in and delivered, or taken in without delivery. */
export type TakenStatus = 'not taken' | 'delivered' | 'undelivered';

interface Index {
  /** Bytes of the record read so far, across its pieces. */
  offset: number;
  /** The inode of the record's first file (its first piece, or the file itself before any): a record written again is read again from its start. */
  firstIno: number | undefined;
  byOutbox: Map<string, Set<string>>;
  /** By outbox, the taken files whose latest line says they were not delivered. */
  undelivered: Map<string, Set<string>>;
  /** By activation rule, the agents its lines have named as governed and as drawn, each with the latest turn that named it. */
  named: Map<number, { governed: Map<string, number>; drawn: Map<string, number> }>;
}

/** The taken files of each record this process has read, kept up to date by reading only what was appended. */
const indexes = new Map<string, Index>();
const NONE: ReadonlySet<string> = new Set();
forgetAtNextCommand(() => indexes.clear());

/**
 * The names taken in from one outbox. The first call in a process reads the whole record
 * (a few dozen bytes a message); later calls read only what was appended since. Asked only
 * for an outbox whose folder changed in a way the engine did not make itself.
 */
export function takenNames(path: string, outbox: string): ReadonlySet<string> {
  return refresh(path).byOutbox.get(outbox) ?? NONE;
}

/**
 * Whether one outbox file was taken in, and delivered. Costs what `takenNames` costs: the
 * record is read once a process, then only what was appended. A file taken again later
 * (a file skipped as named for a turn to come, then written by the engine in that turn)
 * has the status its latest line gives.
 */
export function takenStatus(path: string, outbox: string, name: string): TakenStatus {
  return statusIn(refresh(path), outbox, name);
}

function statusIn(index: Index, outbox: string, name: string): TakenStatus {
  if (!index.byOutbox.get(outbox)?.has(name)) return 'not taken';
  return index.undelivered.get(outbox)?.has(name) ? 'undelivered' : 'delivered';
}

/**
 * Which message files a call's read_message (or an outside seat's look) may open: those this
 * record says were delivered, and those in `shown`, the call's own inbox (mail this turn's scan
 * took in reaches the record only when the turn commits). No scan: the record is brought up to
 * date at the first question and answers from memory for the rest of the call, so a search that
 * asks of thousands of messages reads the file once, not once a message, and a call that opens
 * no message reads nothing.
 */
export function deliveredMail(path: string, shown: readonly string[]): DeliveredMail {
  const ids = new Set(shown);
  let index: Index | undefined;
  return (id, sender, name) => ids.has(id) || statusIn((index ??= refresh(path)), sender, name) === 'delivered';
}

function refresh(path: string): Index {
  let index = indexes.get(path);
  const layout = recordLayout(path);
  const firstIno = layout.pieces[0] === undefined ? layout.ino : statSync(layout.pieces[0].path, { throwIfNoEntry: false })?.ino;
  // Another record than the one read (written again whole by `adopt`, or cut back by a person): read from its start.
  if (!index || index.firstIno !== firstIno || layout.base + layout.size < index.offset) {
    index = { offset: 0, firstIno, byOutbox: new Map(), undelivered: new Map(), named: new Map() };
    indexes.set(path, index);
  }
  if (layout.base + layout.size === index.offset) return index;
  const read = readRecordFrom(path, index.offset);
  for (const line of recordLines(read.parts)) {
    const taken = parseLine(line);
    if (taken) addLine(index, taken);
  }
  index.offset = read.end;
  return index;
}

/**
 * A turn's activation draws as its line keeps them: of the agents each rule governed and drew (all of them, as
 * drawActive names them), only those no line of the run has named yet, the run being the turns after `runStart`
 * (the fork point of a fork, -1 otherwise; record/run-start.ts). So a whole run names an agent at most once a rule
 * in each list, and a turn's line does not grow with the org (issue 76): a report rebuilds who a rule governed and
 * drew from the run's lines. A run resumed in a new process reads the record once, as takenNames does; a line a
 * crashed turn left is cut before the turn is planned again. Lines from before lemming kept the names name nobody:
 * the agents are named again, and the report over them says unknown.
 */
export function namedFirst(path: string, draws: readonly RuleDraws[], runStart: number): RuleDraws[] {
  if (draws.length === 0) return [];
  const index = refresh(path);
  // Sorted once filtered: most turns keep few of the many governed.
  const unnamed = (names: readonly string[] | undefined, seen: Map<string, number> | undefined): string[] => (names ?? []).filter((name) => (seen?.get(name) ?? -1) <= runStart).sort();
  return draws.map((draws) => {
    const named = index.named.get(draws.rule);
    return { ...draws, firstGoverned: unnamed(draws.firstGoverned, named?.governed), firstDrawn: unnamed(draws.firstDrawn, named?.drawn) };
  });
}

/**
 * Every line of the record, in order (a turn's line once: a line a crashed turn left is cut at the
 * next start): what `lemming analyze` reads of what each turn held back. Reads every piece.
 */
export function readTakenLines(path: string): TakenLine[] {
  return recordLines(readRecordFrom(path, 0).parts).flatMap((line) => parseLine(line) ?? []);
}

const LINE_EXAMPLE = '{"turn":2,"files":{"planner":["000002-001-coder_01.md"]}}';

/**
 * One line of the record, or undefined for a blank one. A line that is not one lemming writes (not
 * JSON, no whole turn, no lists of file names by outbox) stops the reader, naming the file and the
 * line: skipped, the files it named would read as never taken in, and be delivered again.
 */
function parseLine(line: { text: string; path: string; from: number; index: number }): TakenLine | undefined {
  if (line.text.trim() === '') return undefined;
  let data: unknown;
  try {
    data = JSON.parse(line.text);
  } catch {
    throw unreadableLine(line, 'is not a line of JSON');
  }
  const record = data as Partial<TakenLine> | null;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw unreadableLine(line, 'is not a JSON object');
  if (typeof record.turn !== 'number' || !Number.isSafeInteger(record.turn) || record.turn < 0) throw unreadableLine(line, `its turn is ${JSON.stringify(record.turn)}, where a whole number of 0 or more belongs`);
  const lists = [record.files, record.undelivered];
  for (const [position, files] of lists.entries()) {
    if (files === undefined && position === 1) continue;
    if (typeof files !== 'object' || files === null || Array.isArray(files) || !Object.values(files).every((names) => Array.isArray(names) && names.every((name) => typeof name === 'string'))) {
      throw unreadableLine(line, `its ${position === 0 ? 'files' : 'undelivered'} is ${JSON.stringify(files)?.slice(0, 80)}, where a list of file names for each outbox belongs`);
    }
  }
  return record as TakenLine;
}

function unreadableLine(line: { path: string; from: number; index: number }, problem: string): LemmingError {
  const at = line.path.lastIndexOf('/org/state/');
  const file = at >= 0 ? line.path.slice(at + 1) : line.path;
  const number = linesBefore(line.path, line.from) + line.index + 1;
  return new LemmingError(
    'taken-line',
    `${file} line ${number}: ${problem}. It is the record of which outbox files were taken in, and a line lemming cannot read would ` +
      `let the mail it named be delivered again, so no turn runs until it is mended. A line looks like ${LINE_EXAMPLE}. Mend it by hand ` +
      `(an org that keeps its history has the record as turn N left it: \`lemming show --at N ${file}\`), or run \`lemming adopt\` to take ` +
      'all mail now in the outboxes as history.',
    { exitCode: EXIT.record },
  );
}

function addLine(index: Index, line: TakenLine): void {
  for (const draws of Array.isArray(line.draws) ? line.draws : []) {
    if (!Array.isArray(draws?.firstGoverned) || !Array.isArray(draws.firstDrawn)) continue;
    let named = index.named.get(draws.rule);
    if (!named) index.named.set(draws.rule, (named = { governed: new Map(), drawn: new Map() }));
    for (const name of draws.firstGoverned) if (typeof name === 'string') named.governed.set(name, line.turn);
    for (const name of draws.firstDrawn) if (typeof name === 'string') named.drawn.set(name, line.turn);
  }
  for (const [outbox, names] of Object.entries(line.files)) {
    if (!Array.isArray(names)) continue;
    let set = index.byOutbox.get(outbox);
    if (!set) index.byOutbox.set(outbox, (set = new Set()));
    // Read back from JSON with a prototype: only the line's own entry counts (an outbox may be named `constructor`).
    const listed = line.undelivered && Object.hasOwn(line.undelivered, outbox) ? line.undelivered[outbox] : undefined;
    const undelivered = Array.isArray(listed) && listed.length > 0 ? new Set(listed) : undefined;
    let notDelivered = index.undelivered.get(outbox);
    for (const name of names) {
      if (typeof name !== 'string') continue;
      set.add(name);
      if (undelivered?.has(name)) {
        if (!notDelivered) index.undelivered.set(outbox, (notDelivered = new Set()));
        notDelivered.add(name);
      } else {
        notDelivered?.delete(name);
      }
    }
  }
}

/**
 * Append a turn's line and return the record's size after it, across its pieces; nothing is written
 * when no file was taken in. The engine keeps the size in `engine.json` in the same commit, so a
 * line appended by a turn that then crashed before committing is cut off at the next start. A
 * record grown past a piece's size is moved to its next piece first (storage/record-pieces.ts).
 */
export function appendTaken(path: string, line: TakenLine, sizeBefore: number): number {
  const outboxes = Object.keys(line.files).filter((outbox) => (line.files[outbox]?.length ?? 0) > 0);
  const held = line.held !== undefined && Object.keys(line.held).length > 0 ? line.held : undefined;
  const draws = line.draws !== undefined && line.draws.length > 0 ? line.draws : undefined;
  if (outboxes.length === 0 && held === undefined && draws === undefined) return sizeBefore;
  const files = nameRecord<string[]>();
  for (const outbox of outboxes.sort()) files[outbox] = line.files[outbox] ?? [];
  const undelivered = nameRecord<string[]>();
  for (const outbox of Object.keys(line.undelivered ?? {}).sort()) {
    const names = line.undelivered?.[outbox] ?? [];
    if (names.length > 0) undelivered[outbox] = names;
  }
  const written: TakenLine = { turn: line.turn, files, ...(Object.keys(undelivered).length > 0 ? { undelivered } : {}), ...(held ? { held } : {}), ...(draws ? { draws } : {}) };
  if (moveWhenFull(path)) crashPoint('after-piece');
  const fault = storageFault(path);
  const descriptor = openOwnFile(path, 'append');
  try {
    writeAll(descriptor, `${JSON.stringify(written)}\n`, path, fault);
    return recordLayout(path).base + fstatSync(descriptor).size;
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Cut the record back to the size the last committed turn left (a turn that crashed after
 * appending its line, or a line cut short), across its pieces. Returns the size now. A record
 * shorter than expected is left as it is: that is a file a person restored or cut, not one the
 * engine is in the middle of writing.
 */
export function repairTaken(path: string, committedSize: number): number {
  const size = cutRecord(path, committedSize);
  if (size === committedSize) indexes.delete(path);
  return size;
}

/** Forget what this process read of a record (after `reset` or `adopt` rewrote it). */
export function forgetTaken(path: string): void {
  indexes.delete(path);
}
