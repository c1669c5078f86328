import { closeSync, fstatSync, ftruncateSync } from 'node:fs';
import { EXIT, LemmingError } from '../errors.js';
import { isStorageError } from './storage-error.js';
import { byteAt, openOwnFile, previousNewline } from './write-bytes.js';

/*
 * The one rule of a file lemming appends to a whole line at a time (the turn's journal, an activity
 * log, the interventions carried out, an experiment's own ledger): how it is read back (wholeRecords,
 * pure) and how its torn tail is cut before the next append (cutTornTail).
 */

/**
 * Read back a file lemming appends to a whole line at a time. A crash can only cut its last line short: a last
 * line without its newline is not read, and lines that are no record with no record after them are
 * that torn tail too (a later write may have gone on from the cut). A line that is no record with a
 * record after it was damaged after it was written (an edit, a disk): skipped, what it held would be
 * lost unsaid, and cut there, the records after it too: that is thrown, as a DamagedLine says it (damagedLineError),
 * with the line's number and the next record's (from 1; `linesBefore` lines of the file come before
 * `bytes`, for a reader that reads on from where it stopped). Blank lines carry nothing. Pure.
 */
export function wholeRecords<T>(bytes: Buffer, parse: (text: string) => T | undefined, damaged: DamagedLine, linesBefore = 0): { records: T[]; wholeBytes: number } {
  const records: T[] = [];
  // The first line that is no record, while no record has followed it: the torn tail, so far.
  let torn: { from: number; line: number } | undefined;
  let start = 0;
  let line = linesBefore;
  while (start < bytes.length) {
    const end = bytes.indexOf(10, start);
    if (end < 0) break;
    line += 1;
    const text = bytes.subarray(start, end).toString('utf8');
    if (text.trim() !== '') {
      const record = parse(text);
      if (record === undefined) torn ??= { from: start, line };
      else if (torn !== undefined) throw damagedLineError(damaged, torn.line, line);
      else records.push(record);
    }
    start = end + 1;
  }
  return { records, wholeBytes: torn?.from ?? start };
}

/** How a reader of whole-line records says a damaged line: its record, and what skipping or cutting there would do. */
export interface DamagedLine {
  /** The error's code, such as `journal-line`. */
  code: string;
  /** The file as a person finds it from the org root. */
  file: string;
  /** What a line of it is, with an example: `a record of the journal (a JSON object on one line, such as {...})`. */
  holds: string;
  /** What follows "damaged after it was written": what reading past it would lose, and how to mend it. */
  then: string;
}

/** A record's file as a person finds it from the org root: its path from its last `/<folder>/` (`agents`, `experiments`). Pure. */
export function shownFrom(path: string, folder: string): string {
  const at = path.lastIndexOf(`/${folder}/`);
  return at >= 0 ? path.slice(at + 1) : path;
}

/** The error that says a line damaged in the middle of a whole-line record, one wording for every such record (exit 4, a record to mend). */
export function damagedLineError(damaged: DamagedLine, line: number, next: number): LemmingError {
  return new LemmingError(
    damaged.code,
    `${damaged.file} line ${line}: is not ${damaged.holds}, and line ${next} after it is one. A crash only ever cuts the last line short, so this line was damaged after it was written${damaged.then}`,
    { exitCode: EXIT.record },
  );
}

/**
 * The torn tail, cut before the next append, so the next record starts on a line of its own:
 * appended after the fragment, the record would be glued to it, and both lost at the next read. Cut
 * the file at `path` to `wholeBytes` (what wholeRecords found whole), or, without it, after its last
 * newline, reading only its end: a last line a crash cut short goes, nothing else. Its length after.
 */
export function cutTornTail(path: string, wholeBytes?: number): number | undefined {
  return cutRecordFile(path, (descriptor, size) => wholeBytes ?? (size === 0 || byteAt(descriptor, size - 1) === 10 ? size : previousNewline(descriptor, size) + 1));
}

/**
 * Cut a file lemming appends to at the length `keep` finds (from the open file and its size), with one
 * truncate; its length after (undefined for none). A missing file is left missing; a link or a pipe in
 * its place throws the StorageError that names it (openOwnFile), before anything is read or written through it.
 */
export function cutRecordFile(path: string, keep: (descriptor: number, size: number) => number): number | undefined {
  let descriptor: number;
  try {
    descriptor = openOwnFile(path, 'cut');
  } catch (error) {
    if (isStorageError(error)) throw error;
    return undefined;
  }
  try {
    const size = fstatSync(descriptor).size;
    const length = keep(descriptor, size);
    if (length >= size) return size;
    ftruncateSync(descriptor, length);
    return length;
  } finally {
    closeSync(descriptor);
  }
}
