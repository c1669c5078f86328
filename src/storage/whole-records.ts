/**
 * The one rule of reading back a file lemming appends to a whole line at a time (the turn's journal,
 * an activity log, the interventions carried out). A crash can only cut its last line short: a last
 * line without its newline is not read, and lines that are no record with no record after them are
 * that torn tail too (a later write may have gone on from the cut). A line that is no record with a
 * record after it was damaged after it was written (an edit, a disk): skipped, what it held would be
 * lost unsaid, and cut there, the records after it too. `damaged` makes the error that says it, with
 * the line's number and the next record's (from 1); the reader throws it. Blank lines carry nothing. Pure.
 */
export function wholeRecords<T>(bytes: Buffer, parse: (text: string) => T | undefined, damaged: (line: number, next: number) => Error): { records: T[]; wholeBytes: number } {
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
      else if (torn !== undefined) throw damaged(torn.line, line);
      else records.push(record);
    }
    start = end + 1;
  }
  return { records, wholeBytes: torn?.from ?? start };
}
