/** How a reference and its CSV files are read and refused: their cells, and errors that name the file and quote only a short escaped excerpt. */
import { EXIT, LemmingError } from '../errors.js';
import { csvRecords } from '../tables/csv-text.js';
import { quoteName } from '../mailbox/message-text.js';
import { terminalText } from '../terminal-text/terminal-text.js';

/**
 * A value of the reference or its answers as an error quotes it: at most 60 characters, quoted, and
 * every control character a visible escape. The files are someone else's: a header or a cell of a
 * megabyte, or one of escape sequences, is shown as a short excerpt that cannot act on a terminal.
 */
export function excerpt(value: unknown): string {
  return terminalText(quoteName(value));
}

/** A reference's problem: the file, where in it (a field or a line), and what a valid value is; exit 2. */
export function invalid(file: string, where: string, message: string): LemmingError {
  return new LemmingError('reference-invalid', `${file}: ${where}: ${message}`, { exitCode: EXIT.usage });
}

/** Split one CSV line into cells (the one reading of CSV text: csvRecords), each trimmed. Pure. */
export function csvCells(line: string): string[] {
  return (csvRecords(line)[0] ?? ['']).map((value) => value.trim());
}
