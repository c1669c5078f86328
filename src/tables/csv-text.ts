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
