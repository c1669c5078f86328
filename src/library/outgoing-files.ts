import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { MAX_MESSAGE_FILE_BYTES } from '../mailbox/message-file.js';
import { parseOutgoingFile } from '../mailbox/outgoing-file.js';
import { readRegularFile } from '../storage/read-regular-file.js';
import type { OutgoingMessage } from './human-actions.js';

/** A message file to send: where it came from (a path, or "standard input") and its text. */
export interface OutgoingFile {
  file: string;
  text: string;
}

/** The most messages one `lemming send --file` takes: past it, send in parts (each part is one load of the org). */
export const MAX_OUTGOING_FILES = 10_000;

/**
 * The message files of `paths`, in the order given: a file as it is, a folder as its `*.md` files in
 * name order (not its subfolders). Links, pipes and devices are refused as an outbox's are; a file is
 * read up to the size of a message file. Nothing is parsed here.
 */
export function listOutgoingFiles(paths: readonly string[]): OutgoingFile[] {
  const files: OutgoingFile[] = [];
  const add = (file: string): void => {
    if (files.length >= MAX_OUTGOING_FILES) {
      throw new LemmingError('too-many-files', `not sent: --file gives more than ${MAX_OUTGOING_FILES} messages; send them in parts`, { exitCode: EXIT.usage });
    }
    const read = readRegularFile(file, MAX_MESSAGE_FILE_BYTES);
    if ('error' in read) throw new LemmingError('bad-file', `not sent: ${file} ${read.error}; --file takes a markdown message, a folder of them, or - for standard input`, { exitCode: EXIT.usage });
    if (read.truncated) throw new LemmingError('bad-file', `not sent: ${file} is ${read.size} bytes; a message file is at most ${MAX_MESSAGE_FILE_BYTES}`, { exitCode: EXIT.usage });
    files.push({ file, text: read.text });
  };
  for (const path of paths) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      const names = readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.md')).map((entry) => entry.name).sort();
      if (names.length === 0) throw new LemmingError('bad-file', `not sent: the folder ${path} has no .md message files`, { exitCode: EXIT.usage });
      for (const name of names) add(join(path, name));
    } else {
      add(path);
    }
  }
  return files;
}

/**
 * Every file parsed as a message to send; one bad file and none is sent, each problem listed (the
 * file, the field and a valid value), so a folder is fixed in one pass. Pure.
 */
export function readOutgoingFiles(files: readonly OutgoingFile[]): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  const problems: string[] = [];
  for (const { file, text } of files) {
    const parsed = parseOutgoingFile(text, file);
    if ('problem' in parsed) problems.push(parsed.problem);
    else messages.push({ ...parsed.message, source: file });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('\n');
    throw new LemmingError('bad-message-file', `not sent: ${problems.length === 1 ? shown : `${problems.length} of the ${files.length} files are not messages to send:\n${shown}${problems.length > 5 ? `\nand ${problems.length - 5} more` : ''}`}`, { exitCode: EXIT.usage });
  }
  return messages;
}
