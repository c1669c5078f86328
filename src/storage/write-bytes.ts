import { spawnSync } from 'node:child_process';
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { cutSecrets } from '../secrets/secrets.js';
import { classified, linkedRecordError, notFileRecordError } from './storage-error.js';

/**
 * Fault injection for the storage tests, like the crash points (engine/record/crash-points.ts):
 * with `LEMMING_STORAGE_FAULT=<text>:<n>:<what>` set, the n-th write through the write layer to
 * a file whose path contains `<text>` meets a fault, once. `<what>` is
 * - `ENOSPC`, `EDQUOT`, `EROFS` or `EIO`: half the bytes are written, then the write fails with
 *   that code, as a disk that fills up part-way through a write does;
 * - `SIGKILL`: half the bytes are written, then the process is killed (a crash inside a write);
 * - `$ <command>`: the command runs first (a test fills its small disk, say), and the write then
 *   meets the disk as it is.
 * Without the variable, a write asks one comparison of it.
 */
export type InjectedFault = 'ENOSPC' | 'EDQUOT' | 'EROFS' | 'EIO' | 'SIGKILL';

const INJECTED: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'SIGKILL']);

interface Armed {
  text: string;
  remaining: number;
  what: string;
}

function parse(setting: string | undefined): Armed | undefined {
  if (!setting) return undefined;
  const first = setting.indexOf(':');
  const second = setting.indexOf(':', first + 1);
  if (first < 0 || second < 0) return undefined;
  const what = setting.slice(second + 1);
  if (!INJECTED.has(what) && !what.startsWith('$ ')) return undefined;
  return { text: setting.slice(0, first), remaining: Number(setting.slice(first + 1, second)) || 1, what };
}

let armed = parse(process.env.LEMMING_STORAGE_FAULT);

/**
 * Called by the write layer before it writes to `target` (the file as named, not its temporary).
 * Runs a command fault at once; returns the fault the write itself must act out, if any.
 */
export function storageFault(target: string): InjectedFault | undefined {
  if (armed === undefined || !target.includes(armed.text)) return undefined;
  armed.remaining -= 1;
  if (armed.remaining > 0) return undefined;
  const { what } = armed;
  armed = undefined;
  if (what.startsWith('$ ')) {
    // The command's own failure (a disk filled until `cat` could write no more) is its point.
    spawnSync('sh', ['-c', what.slice(2)], { stdio: 'ignore' });
    return undefined;
  }
  return what as InjectedFault;
}

/** Act out an injected fault after half the bytes were written with `writeHalf`: kill the process, or throw the error a disk would. */
export function actOut(fault: InjectedFault, target: string, writeHalf: () => void): never {
  writeHalf();
  if (fault === 'SIGKILL') process.kill(process.pid, 'SIGKILL');
  const error = new Error(`${fault}: injected by LEMMING_STORAGE_FAULT, write '${target}'`) as NodeJS.ErrnoException;
  error.code = fault;
  error.syscall = 'write';
  error.path = target;
  throw error;
}

/**
 * Write all of `data` at a descriptor's end. Every byte lemming writes goes through here, so it is
 * where text loses the org's secrets (secrets/secrets.ts: nothing to do when none are registered),
 * whatever file it is bound for. A disk that fills part-way takes a short write and then an error,
 * so a failed write takes back what it added (the file is as it was: no half line in a log, the
 * ledger or the journal) and throws what it met, a StorageError when it is the disk's fault
 * (storage-error.ts). `target` is the file as its writer names it; `fault` is what the tests
 * inject for it (storage-faults.ts).
 */
export function writeAll(descriptor: number, data: string | Uint8Array, target: string, fault: InjectedFault | undefined): void {
  const text = typeof data === 'string' ? cutSecrets(data) : undefined;
  let bytes = typeof data === 'string' ? undefined : data;
  let written = 0;
  try {
    if (text !== undefined && fault === undefined) {
      // A string goes down in one call, with no buffer made for it (a turn writes thousands); only a
      // short write, which a filling disk makes, needs its bytes to finish or take back.
      written = writeSync(descriptor, text);
      const total = Buffer.byteLength(text);
      if (written === total) return;
      bytes = Buffer.from(text);
    }
    bytes ??= Buffer.from(text ?? '');
    const whole = bytes;
    if (fault) actOut(fault, target, () => (written += writeSync(descriptor, whole, 0, whole.length >> 1)));
    while (written < whole.length) written += writeSync(descriptor, whole, written, whole.length - written);
  } catch (error) {
    if (written > 0) takeBack(descriptor, written);
    throw classified(error, target);
  }
}

/** Cut the last `written` bytes off the file again; if even that fails, the next start's repair cuts the half line. */
function takeBack(descriptor: number, written: number): void {
  try {
    ftruncateSync(descriptor, fstatSync(descriptor).size - written);
  } catch {
    // See above.
  }
}

/**
 * Append `text` to a file (made when missing, its folder not): the same system calls as
 * appendFileSync, and a failure leaves the file as it was. A missing folder throws the system's
 * ENOENT, for the caller to make it. With `afterWholeLine` (a record of whole lines, at the first
 * append a process makes to it), a last line a crash cut short is cut first, on the same descriptor
 * (one read of the last byte when it is whole), so the text is not glued to it and lost with it at
 * the next read (whole-records.ts). With `unlessFrom`, a file that already holds that many bytes is
 * left as it was, for its writer to deal with first (a log due to be moved to its next piece,
 * agent-log.ts): the size the open's own check read, so the writer needs no look of its own. The
 * file's size after the append, or undefined when `unlessFrom` left it alone.
 */
export function appendText(path: string, text: string, options: { afterWholeLine?: boolean; unlessFrom?: number } = {}): number | undefined {
  // A file left alone was not written to: its fault, if any, is the next write's.
  const { unlessFrom } = options;
  let fault = unlessFrom === undefined ? storageFault(path) : undefined;
  const { descriptor, size } = openOwn(path, options.afterWholeLine ? 'appendLines' : 'append');
  try {
    if (unlessFrom !== undefined) {
      if (size >= unlessFrom) return undefined;
      fault = storageFault(path);
    }
    const whole = options.afterWholeLine && size > 0 && byteAt(descriptor, size - 1) !== 10 ? previousNewline(descriptor, size) + 1 : size;
    if (whole < size) ftruncateSync(descriptor, whole);
    writeAll(descriptor, text, path, fault);
    return whole + Buffer.byteLength(text);
  } finally {
    closeSync(descriptor);
  }
}

/** How a file of lemming's own records is opened: to append to (made when missing), to append whole lines to (its end read first), or to cut. */
const OWN_FILE_FLAGS = {
  append: constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
  appendLines: constants.O_RDWR | constants.O_APPEND | constants.O_CREAT,
  cut: constants.O_RDWR,
} as const;

/** How much of a file's end is read at a time while looking back for a newline. */
const CHUNK_BYTES = 64 * 1024;

/** The byte at `position`, or undefined past the end. */
export function byteAt(descriptor: number, position: number): number | undefined {
  const byte = Buffer.alloc(1);
  return readSync(descriptor, byte, 0, 1, position) === 1 ? byte[0] : undefined;
}

/** The offset of the last newline before `position`, or -1; reads backwards a chunk at a time, so memory does not grow with the file. */
export function previousNewline(descriptor: number, position: number): number {
  let chunkEnd = position;
  while (chunkEnd > 0) {
    const chunkStart = Math.max(0, chunkEnd - CHUNK_BYTES);
    const chunk = Buffer.alloc(chunkEnd - chunkStart);
    readSync(descriptor, chunk, 0, chunk.length, chunkStart);
    const index = chunk.lastIndexOf(10);
    if (index >= 0) return chunkStart + index;
    chunkEnd = chunkStart;
  }
  return -1;
}

/**
 * Open a file lemming appends to or cuts (a record, a log, the journal) where it is, never through a
 * link: the ledger linked to a file outside the org had a run cut that file's last line and append
 * the charges to it. A link in its place throws a StorageError (linkedRecordError), naming the file,
 * and so does a pipe, read by another process or by none (notFileRecordError, found without waiting on it): each stops a run
 * as a full disk does; any other failure, the system's error, classified.
 */
export function openOwnFile(path: string, how: keyof typeof OWN_FILE_FLAGS): number {
  return openOwn(path, how).descriptor;
}

/** openOwnFile, with the file's size its check read. */
function openOwn(path: string, how: keyof typeof OWN_FILE_FLAGS): { descriptor: number; size: number } {
  let descriptor: number;
  try {
    // Not blocking: opening a pipe to write waited for a reader, and a run for good; now the system says ENXIO.
    // (Writes to a regular file do not heed the flag.)
    descriptor = openSync(path, OWN_FILE_FLAGS[how] | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o666);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'ELOOP' ? linkedRecordError(path, error) : code === 'ENXIO' ? notFileRecordError(path) : classified(error, path);
  }
  // A pipe that another process reads opens without ENXIO: the run wrote its records into that process and went on.
  let stats: { isFile(): boolean; size: number };
  try {
    stats = fstatSync(descriptor);
  } catch (error) {
    closeQuietly(descriptor);
    throw classified(error, path);
  }
  if (!stats.isFile()) {
    closeQuietly(descriptor);
    throw notFileRecordError(path);
  }
  return { descriptor, size: stats.size };
}

/**
 * Write a whole file in place, with no temporary: for a file that is only ever a record for
 * people (a call trace), where a reader that finds it cut short takes it as missing. A write that
 * fails removes the file rather than leave it cut.
 */
export function writeFileInPlace(path: string, text: string): void {
  const fault = storageFault(path);
  let descriptor: number;
  try {
    descriptor = openSync(path, 'w');
  } catch (error) {
    throw classified(error, path);
  }
  try {
    writeAll(descriptor, text, path, fault);
    closeSync(descriptor);
  } catch (error) {
    closeQuietly(descriptor);
    removeQuietly(path);
    throw classified(error, path);
  }
}

/** Close a descriptor that failed a write; its failure then tells nothing more. */
export function closeQuietly(descriptor: number): void {
  try {
    closeSync(descriptor);
  } catch {
    // Already closed, or the disk that failed the write fails this too.
  }
}

/** Remove a file a failed write left; missing already is fine. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Never made, or the file system no longer lets it go: the next start's sweep removes a temporary.
  }
}
