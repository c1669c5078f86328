import type { Cell } from './report-table.js';

/*
 * CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field quoted when
 * it holds a comma, a quote, a CR or a LF, and a quote inside doubled. pandas' read_csv, R's
 * read.csv and Python's csv module read it as written. Pure.
 */

/** A value as a field: empty for no value (and for a number that is none, NaN or infinite), else its text, quoted when it must be. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Records (the header first) as CSV text, each ended by CRLF. */
export function csvText(records: ReadonlyArray<readonly Cell[]>): string {
  return records.map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
}

/** CSV text read back into records, the inverse of csvText: quoted fields may hold commas, quotes (doubled) and line breaks; a record ends at CRLF or LF. */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (quoted) {
      if (character !== '"') field += character;
      else if (text[index + 1] === '"') (field += '"'), (index += 1);
      else quoted = false;
    } else if (character === '"') quoted = true;
    else if (character === ',') record.push(field), (field = '');
    else if (character === '\n' || (character === '\r' && text[index + 1] === '\n')) {
      if (character === '\r') index += 1;
      records.push([...record, field]);
      (record = []), (field = '');
    } else field += character;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}
