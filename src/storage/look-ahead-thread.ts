import type { Worker } from 'node:worker_threads';
import { startThread } from '../heap-settings.js';

/*
 * The look-ahead thread (SharedList, look-ahead.ts): its program, made of the functions below run in it from
 * their source text (so each uses nothing but its arguments, the slot kinds of look-ahead.ts written as numbers),
 * and its start. The loops that share a list with it call the same plainText, listedFolders and readOneFile, so
 * a file is read, and a folder listed, by one rule on either side.
 */

/**
 * Look at paths from the last one back, claiming each slot first (`kinds[index + 1]` from UNCLAIMED to
 * THREADS), until the slot of the loop that goes from the first one forward is reached, or the loop
 * is done with the list (`kinds[0]` set); `look` puts its numbers in before the kind it returns is
 * stored, so they are there when the loop sees it (a throw: 7). The thread runs this very function from
 * its source text, so it uses nothing but its arguments (the slot kinds of look-ahead.ts are written as numbers).
 */
function fromTheEnd(count: number, nextPath: () => string, kinds: Int32Array, look: (path: string, index: number) => number): void {
  for (let index = count - 1; index >= 0 && Atomics.load(kinds, 0) === 0; index -= 1) {
    if (Atomics.compareExchange(kinds, index + 1, 0, 1) !== 0) return;
    let kind = 7;
    try {
      kind = look(nextPath(), index);
    } catch {
      kind = 7;
    }
    Atomics.store(kinds, index + 1, kind);
  }
}

/** `stat` paths from the last one back (fromTheEnd): mtime and size each, and whether a file, a folder or else. From its source text, as fromTheEnd. */
function statFromTheEnd(fs: typeof import('node:fs'), count: number, nextPath: () => string, kinds: Int32Array, numbers: Float64Array): void {
  fromTheEnd(count, nextPath, kinds, (path, index) => {
    const stat = fs.statSync(path, { throwIfNoEntry: false });
    if (!stat) return 3;
    numbers[index * 2] = stat.mtimeMs;
    numbers[index * 2 + 1] = stat.size;
    return stat.isFile() ? 4 : stat.isDirectory() ? 5 : 6;
  });
}

/**
 * `lstat` paths from the last one back (fromTheEnd), following no link: LSTAT_NUMBERS numbers each (what a
 * walk of the org reads of a Stats, in LSTAT_NUMBERS's order) and FILE for an entry found, whatever it is
 * (its mode says). From its source text, as fromTheEnd.
 */
function lstatFromTheEnd(fs: typeof import('node:fs'), count: number, nextPath: () => string, kinds: Int32Array, numbers: Float64Array): void {
  fromTheEnd(count, nextPath, kinds, (path, index) => {
    const stat = fs.lstatSync(path, { throwIfNoEntry: false });
    if (!stat) return 3;
    const at = index * 10;
    numbers[at] = stat.dev;
    numbers[at + 1] = stat.ino;
    numbers[at + 2] = stat.mode;
    numbers[at + 3] = stat.nlink;
    numbers[at + 4] = stat.uid;
    numbers[at + 5] = stat.gid;
    numbers[at + 6] = stat.size;
    numbers[at + 7] = stat.blocks;
    numbers[at + 8] = stat.mtimeMs;
    numbers[at + 9] = stat.ctimeMs;
    return 4;
  });
}

/**
 * Whether a file's bytes are plain UTF-8 text: valid UTF-8 with no NUL and no byte order mark, bytes
 * the one gate of editable files takes as they are (edited-file.ts, decodeEditedText: its text is
 * the bytes decoded). Checked by the thread, so the loop that parses decodes them and nothing else.
 * Run in the thread from its source text: it uses only its arguments.
 */
export function plainText(isUtf8: (bytes: Uint8Array) => boolean, bytes: Uint8Array): boolean {
  const first = bytes[0];
  if (first === 0xef || first === 0xfe || first === 0xff) return false;
  return bytes.indexOf(0) < 0 && isUtf8(bytes);
}

/**
 * The folders of `folder` a loop goes through, sorted: each entry that is a folder itself (a link to
 * one is not: its type is the link's) and not hidden (a name starting with a dot). The one rule of
 * it, for the loop (the org's `agents/`, settled-org-cache.ts) and for the thread that lists for it
 * (FolderReads). Throws as `readdirSync` does. Run in the thread from its source text: it uses only its arguments.
 */
export function listedFolders(files: Pick<typeof import('node:fs'), 'readdirSync'>, folder: string): string[] {
  const names: string[] = [];
  for (const entry of files.readdirSync(folder, { withFileTypes: true })) if (entry.isDirectory() && !entry.name.startsWith('.')) names.push(entry.name);
  return names.sort();
}

/**
 * Read one file as the thread reads each (readFromTheStart), and as the loop reads those it takes from
 * the end while it would wait (ReadAhead): opened without following into a pipe's wait (O_NONBLOCK;
 * with O_NOFOLLOW in `flags`, a link itself fails, ELOOP), `fstat`ed, and read whole into `room(size)`
 * when it is a regular file of at most `maxBytes` whose descriptor names a place inside `within`
 * (the org's real root and a slash, when given: a link on its way led out of the org, which the
 * loop refuses, storage/inside-root.ts). Its mtime, size and the bytes read go into `out`. The kind:
 * TEXT (plain UTF-8 text, plainText), FILE, MISSING (nothing there), FAILED (anything else, for the
 * loop to read itself through the one gate and say why as it always did), or -1 when `room` has none
 * left. Run in the thread from its source text: it uses only its arguments.
 */
export function readOneFile(
  fs: typeof import('node:fs'),
  path: string,
  flags: number,
  within: string | undefined,
  maxBytes: number,
  isPlainText: (bytes: Uint8Array) => boolean,
  room: (size: number) => Uint8Array | undefined,
  out: Float64Array,
): number {
  let kind = 7;
  let descriptor = -1;
  try {
    descriptor = fs.openSync(path, flags);
    const stat = fs.fstatSync(descriptor);
    if (stat.isFile() && stat.size <= maxBytes && (within === undefined || fs.readlinkSync('/proc/self/fd/' + descriptor).startsWith(within))) {
      const into = room(stat.size);
      if (into === undefined) return -1;
      let got = 0;
      while (got < into.length) {
        const read = fs.readSync(descriptor, into, got, into.length - got, got);
        if (read === 0) break;
        got += read;
      }
      out[0] = stat.mtimeMs;
      out[1] = stat.size;
      out[2] = got;
      kind = isPlainText(into.subarray(0, got)) ? 8 : 4;
    }
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    kind = descriptor < 0 && (code === 'ENOENT' || code === 'ENOTDIR') ? 3 : 7;
  } finally {
    if (descriptor >= 0) fs.closeSync(descriptor);
  }
  return kind;
}

/**
 * Read regular files from the first one forward, ahead of the loop, which parses what it is given
 * and so falls behind: each slot claimed first, and one the loop claimed first skipped. Each file is
 * read by readOneFile into `bytes` (grown as needed); its mtime, size, and where its bytes are go
 * into `numbers`. Stops, leaving the rest to the loop, when `bytes` can grow no further.
 */
function readFromTheStart(
  fs: typeof import('node:fs'),
  count: number,
  nextPath: () => string,
  kinds: Int32Array,
  numbers: Float64Array,
  bytes: SharedArrayBuffer & { grow(length: number): void; maxByteLength: number },
  maxBytes: number,
  flags: number,
  within: string | undefined,
  isPlainText: (bytes: Uint8Array) => boolean,
  readOne: typeof readOneFile,
): void {
  let used = 0;
  const out = new Float64Array(3);
  const room = (size: number): Uint8Array | undefined => {
    if (used + size > bytes.byteLength) {
      if (used + size > bytes.maxByteLength) return undefined;
      bytes.grow(Math.min(bytes.maxByteLength, Math.max(used + size, bytes.byteLength * 2)));
    }
    return new Uint8Array(bytes, used, size);
  };
  for (let index = 0; index < count && Atomics.load(kinds, 0) === 0; index += 1) {
    const path = nextPath();
    if (Atomics.compareExchange(kinds, index + 1, 0, 1) !== 0) continue;
    const kind = readOne(fs, path, flags, within, maxBytes, isPlainText, room, out);
    if (kind === -1) {
      Atomics.store(kinds, index + 1, 7);
      return;
    }
    if (kind === 4 || kind === 8) {
      const at = index * 4;
      numbers[at] = out[0] as number;
      numbers[at + 1] = out[1] as number;
      numbers[at + 2] = used;
      numbers[at + 3] = out[2] as number;
      used += out[2] as number;
    }
    Atomics.store(kinds, index + 1, kind);
  }
}

/**
 * The thread's whole program (CommonJS, so it needs no file of its own to be found): a list at a
 * time, in the order given, as one string of names joined by NULs (a path holds none), each path
 * made as it is taken (from the start for reads, from the end for stats), so the thread holds no
 * list of them.
 */
const THREAD_PROGRAM = `
const { parentPort } = require('node:worker_threads');
const { isUtf8 } = require('node:buffer');
const fromTheEnd = ${fromTheEnd.toString()};
const statFromTheEnd = ${statFromTheEnd.toString()};
const lstatFromTheEnd = ${lstatFromTheEnd.toString()};
const readFromTheStart = ${readFromTheStart.toString()};
const readOneFile = ${readOneFile.toString()};
const plainText = ${plainText.toString()};
const listedFolders = ${listedFolders.toString()};
const fs = require('node:fs');
const isPlainText = (bytes) => plainText(isUtf8, bytes);
parentPort.on('message', (message) => {
  let { prefix, names, suffix, count, kinds, numbers, bytes, maxBytes, flags, within } = message;
  if (message.folder !== undefined) {
    // List the folder first, and hand the loop its names and the slots to share, as one piece.
    const control = new Int32Array(message.control);
    let listed;
    try {
      listed = listedFolders(fs, message.folder);
    } catch {
      listed = undefined;
    }
    count = listed === undefined ? 0 : listed.length;
    names = listed === undefined ? '' : listed.join('\\0');
    kinds = new SharedArrayBuffer(4 * (count + 1));
    numbers = new SharedArrayBuffer(8 * 4 * count);
    message.reply.postMessage(listed === undefined ? { failed: true } : { names, kinds, numbers });
    // Made (1), unless the loop gave it up first (2): then no file is read for it.
    if (Atomics.compareExchange(control, 0, 0, 1) !== 0) return;
    Atomics.notify(control, 0);
    if (listed === undefined) return;
  }
  if (bytes) {
    let start = 0;
    const nextPath = () => {
      const end = names.indexOf('\\0', start);
      const path = prefix + names.slice(start, end < 0 ? names.length : end) + suffix;
      start = end + 1;
      return path;
    };
    readFromTheStart(fs, count, nextPath, new Int32Array(kinds), new Float64Array(numbers), bytes, maxBytes, flags, within, isPlainText, readOneFile);
  } else {
    let end = names.length;
    const nextPath = () => {
      const start = names.lastIndexOf('\\0', end - 1) + 1;
      const path = prefix + names.slice(start, end) + suffix;
      end = start - 1;
      return path;
    };
    (message.lstat ? lstatFromTheEnd : statFromTheEnd)(fs, count, nextPath, new Int32Array(kinds), new Float64Array(numbers));
  }
});
`;

let thread: Worker | undefined;
let lost = false;

/** Whether the look-ahead thread was started in this process and has not stopped: a list then gains by it with no start to pay. */
export function lookAheadThreadRunning(): boolean {
  return thread !== undefined;
}

/** The one thread of a process that looks ahead, started at its first long list and kept (it holds no process open). */
export function lookAheadThread(): Worker | undefined {
  if (thread || lost) return thread;
  try {
    // A small heap of its own: a list is one string and the numbers it writes are shared, so all it makes is garbage at once
    // (with V8's default young generation the thread held some 50 MB more at 100,000 agents). Past its limit it stops, and the loops do the rest.
    thread = startThread({ code: THREAD_PROGRAM }, { resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 } });
  } catch {
    lost = true;
    return undefined;
  }
  thread.unref();
  // Its start undoes our V8 flags (heap-settings.ts): set again by it, when it is seen running, and at each list's end.
  const gone = (): void => {
    lost = true;
    thread = undefined;
  };
  thread.on('error', gone);
  thread.on('exit', gone);
  return thread;
}
