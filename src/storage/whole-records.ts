import { EXIT, LemmingError } from '../errors.js';

/**
 * The one rule of reading back a file lemming appends to a whole line at a time (the turn's journal,
 * an activity log, the interventions carried out). A crash can only cut its last line short: a last
 * line without its newline is not read, and lines that are no record with no record after them are
 * that torn tail too (a later write may have gone on from the cut). A line that is no record with a
 * record after it was damaged after it was written (an edit, a disk): skipped, what it held would be
 * lost unsaid, and cut there, the records after it too: that is thrown, as a DamagedLine says it (damagedLineError),
 * with the line's number and the next record's (from 1). Blank lines carry nothing. Pure.
 */
export function wholeRecords<T>(bytes: Buffer, parse: (text: string) => T | undefined, damaged: DamagedLine): { records: T[]; wholeBytes: number } {
  const records: T[] = [];
  // The first line that is no record, while no record has followed it: the torn tail, so far.
  let torn: { from: number; line: number } | undefined;
  let start = 0;
  let line = 0;
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

/** The error that says a line damaged in the middle of a whole-line record, one wording for every such record (exit 4, a record to mend). */
export function damagedLineError(damaged: DamagedLine, line: number, next: number): LemmingError {
  return new LemmingError(
    damaged.code,
    `${damaged.file} line ${line}: is not ${damaged.holds}, and line ${next} after it is one. A crash only ever cuts the last line short, so this line was damaged after it was written${damaged.then}`,
    { exitCode: EXIT.record },
  );
}
