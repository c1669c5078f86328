import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { errorMessage, type Problem } from '../errors.js';
import { LEADS_OUTSIDE, openedOutside } from '../storage/inside-root.js';
import type { ReadAheadFile } from '../storage/look-ahead.js';

/**
 * The most bytes of an org YAML file (`org/org.yaml`, `org/chart.yaml`, `org/routing.yaml`,
 * an experiment, a calibration reference and its CSV of answers) lemming reads. A chart of 100,000 agents, each with a few names in its lists,
 * is under 20 MB; a larger file is refused unread, so an edit cannot make a run take the memory.
 */
export const MAX_ORG_YAML_BYTES = 32 * 1024 * 1024;

/**
 * The most bytes of a markdown file a person writes for the org (a resume, an agent template,
 * a proposal, `template.yaml`). Instructions past 1 MiB (about 250,000 tokens) fit no model's
 * context; a larger file is refused unread.
 */
export const MAX_EDITED_MARKDOWN_BYTES = 1024 * 1024;

/** An editable file's text, or that it is not there, or why it cannot be used (a problem naming it). */
export type EditedText = { text: string } | { missing: true } | { problem: Problem };

/** What `readEditedFileAndStat` found: what `readEditedFile` gives, and what `fstat` said of the file it opened (absent when none was opened). */
export interface EditedRead {
  read: EditedText;
  stat?: Pick<Stats, 'mtimeMs' | 'size'>;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Why a file holding a NUL is refused: said by the reader, and by a writer that checks its text first. */
const NUL_SAID = 'holds a NUL byte, so it is a binary file, not text; save it as UTF-8 text';

/** Why a file over its cap is refused unread. */
function tooLarge(size: number, maxBytes: number): string {
  return `is ${size} bytes; lemming reads at most ${maxBytes} bytes of this file, so it was not read`;
}

/**
 * Why text that lemming is about to write as an editable file would be refused when read back
 * (over `maxBytes`, or holding a NUL), in the reader's words; undefined when it would be read. A
 * writer of many files (`populate`, `import-network`) asks this of each before writing any. Pure.
 */
export function unreadableText(text: string, maxBytes: number): string | undefined {
  // Cheap first: a UTF-8 byte count is at most three per UTF-16 unit, so short text needs no count.
  if (text.length * 3 > maxBytes) {
    const size = Buffer.byteLength(text, 'utf8');
    if (size > maxBytes) return tooLarge(size, maxBytes);
  }
  return text.includes('\0') ? NUL_SAID : undefined;
}

/** The words a value or a template that would carry a NUL into a file is refused with. */
export const NUL_CHARACTER = 'holds a NUL character, which no file lemming reads may hold (it would be refused as binary); remove it';

/**
 * Read a file a person (or an archive, or a template) can edit, as text: the one read of every
 * such file. It never throws: a file that is missing says so; one that is not a regular file
 * (a folder, a pipe: opened without waiting on it), larger than `maxBytes` (refused unread),
 * not UTF-8, UTF-16, or holding a NUL byte is a problem naming the file and, where there is
 * one, the line. A UTF-8 byte order mark is dropped: editors on Windows write one. A file of an
 * org is read with `within`, the org's root: one that is a link leading out of it (or lies below
 * one) is a problem too, and not a byte of it is read (storage/inside-root.ts).
 */
export function readEditedFile(path: string, file: string, maxBytes: number, within?: string): EditedText {
  return readEditedFileAndStat(path, file, maxBytes, within).read;
}

/**
 * `readEditedFile`, and the `fstat` of the file it opened: a caller that stamps files by their
 * mtime and size (the org loader) reads a file it has no version of with one open, not a `stat`
 * by its path first (at 100,000 resumes, some 0.2 s a pass).
 */
export function readEditedFileAndStat(path: string, file: string, maxBytes: number, within?: string): EditedRead {
  let stat: Stats | undefined;
  const answer = (read: EditedText): EditedRead => (stat ? { read, stat } : { read });
  const problem = (message: string, line?: number): EditedRead => answer({ problem: { file, ...(line === undefined ? {} : { line }), message, severity: 'error' } });
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { read: { missing: true } };
    return problem(`cannot be read (${code ?? errorMessage(error)})`);
  }
  let bytes: Buffer;
  try {
    if (within !== undefined && openedOutside(within, descriptor, path)) return { read: { problem: { file, message: LEADS_OUTSIDE, severity: 'error' } } };
    stat = fstatSync(descriptor);
    if (stat.isDirectory()) return problem('is a folder, not a file');
    if (!stat.isFile()) return problem('is not a regular file (a pipe or a device); lemming reads only plain files here');
    if (stat.size > maxBytes) return problem(tooLarge(stat.size, maxBytes));
    // Not zeroed: only the bytes read are used.
    bytes = Buffer.allocUnsafe(stat.size);
    let offset = 0;
    while (offset < bytes.length) {
      const read = readSync(descriptor, bytes, offset, bytes.length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    bytes = bytes.subarray(0, offset);
  } catch (error) {
    return problem(`cannot be read (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
  } finally {
    closeSync(descriptor);
  }
  return answer(decodeEditedText(bytes, file));
}

/**
 * A file the look-ahead thread read (storage/look-ahead.ts) in the form `readEditedFileAndStat` gives:
 * the same decoding, the same problems. Undefined when the thread left the file to the caller, who
 * then reads it with `readEditedFileAndStat`.
 */
export function editedReadAhead(got: ReadAheadFile | 'missing' | undefined, file: string): EditedRead | undefined {
  if (got === undefined) return undefined;
  if (got === 'missing') return { read: { missing: true } };
  // Bytes the thread found to be plain text are taken as decodeEditedText would take them: as they are.
  return { read: 'text' in got ? { text: got.text } : decodeEditedText(got.bytes, file), stat: got };
}

/** Bytes of an editable file as text, or the problem that keeps them from being text. Pure. */
export function decodeEditedText(bytes: Buffer, file: string): { text: string } | { problem: Problem } {
  const problem = (message: string, line?: number): { problem: Problem } => ({ problem: { file, ...(line === undefined ? {} : { line }), message, severity: 'error' } });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return problem('is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8', 1);
  }
  const start = UTF8_BOM.every((byte, index) => bytes[index] === byte) ? UTF8_BOM.length : 0;
  const body = bytes.subarray(start);
  const nul = body.indexOf(0);
  if (nul >= 0) return problem(NUL_SAID, lineAt(body, nul));
  if (!isUtf8(body)) {
    const bad = firstInvalidUtf8(body);
    return problem('is not UTF-8 text (a byte on this line is not UTF-8: the file was saved in another encoding, or cut mid-character); save it as UTF-8', lineAt(body, bad));
  }
  return { text: body.toString('utf8') };
}

/** 1-based line of a byte offset. */
function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let index = bytes.indexOf(10); index >= 0 && index < offset; index = bytes.indexOf(10, index + 1)) line += 1;
  return line;
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (the end when there is none). */
function firstInvalidUtf8(bytes: Buffer): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] as number;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (length === 0) return index;
    if (length > 1 && !isUtf8(bytes.subarray(index, index + length))) return index;
    index += length;
  }
  return bytes.length;
}

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
 * readEditedFile (size cap, encoding, not a regular file, with `within` a link out of the org) and
 * parse it through parseEdited.
 * `missing` when the file is not there, so each caller says what a missing file means.
 */
export function loadEditedFile<T extends HasProblems>(
  path: string,
  file: string,
  maxBytes: number,
  parse: (text: string, file: string) => T,
  within?: string,
): T | HasProblems | { missing: true; problems: [] } {
  const read = readEditedFile(path, file, maxBytes, within);
  if ('missing' in read) return { missing: true, problems: [] };
  if ('problem' in read) return { problems: [read.problem] };
  return parseEdited(file, () => parse(read.text, file));
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
