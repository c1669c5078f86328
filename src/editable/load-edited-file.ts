import { errorMessage, type Problem } from '../errors.js';
import { readEditedFile } from './read-edited-file.js';

/** What a parser of an editable file gives: at least its problems. */
export interface HasProblems {
  problems: Problem[];
}

/**
 * Run a parser of an editable file so that whatever it throws (a library's limit, a bug met only
 * by strange input) becomes a problem naming the file, never an "unexpected error" that ends a
 * command or a run. Every parser of an editable file is called through this.
 */
export function parseEdited<T extends HasProblems>(file: string, parse: () => T): T | HasProblems {
  try {
    return parse();
  } catch (error) {
    return { problems: [{ file, message: `could not be read: ${firstLine(errorMessage(error))}`, severity: 'error' }] };
  }
}

/**
 * The one loader of a file a person (or an archive, or a template) can edit: read it through
 * readEditedFile (size cap, encoding, not a regular file) and parse it through parseEdited.
 * `missing` when the file is not there, so each caller says what a missing file means.
 */
export function loadEditedFile<T extends HasProblems>(
  path: string,
  file: string,
  maxBytes: number,
  parse: (text: string, file: string) => T,
): T | HasProblems | { missing: true; problems: [] } {
  const read = readEditedFile(path, file, maxBytes);
  if ('missing' in read) return { missing: true, problems: [] };
  if ('problem' in read) return { problems: [read.problem] };
  return parseEdited(file, () => parse(read.text, file));
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
