import { constants } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { keepHeapAsSet, startThread } from '../heap-settings.js';

/**
 * Lists shorter than this are done by the loop alone: the thread's start (some 25 ms, once a
 * process) and the handing over cost more than a few thousand `stat`s or reads (3 to 10 µs each) save.
 */
export const LOOK_AHEAD_FROM = 4_096;

/** What a `stat` found, as the loops that use it need it; undefined: nothing there (ENOENT). */
export interface LookedStat {
  mtimeMs: number;
  size: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/**
 * A list of paths, each `prefix`, a name, then `suffix` (an agent's outbox: the org's `agents/`, its
 * name, `/outbox`): the names are handed to the thread as one string, and no path is made twice.
 */
export interface PathList {
  prefix: string;
  names: readonly string[];
  suffix: string;
}

/**
 * A file the thread read: what `fstat` said of it when opened, and its bytes (at most its size then);
 * or, when they are plain UTF-8 text (plainText), that text, decoded here with no copy of the bytes of its own.
 */
export type ReadAheadFile = { mtimeMs: number; size: number } & ({ bytes: Buffer } | { text: string });

/** A path's slot: not claimed yet, being done by the thread, claimed by the loop, then what the thread found. */
const UNCLAIMED = 0;
export const THREADS = 1;
export const LOOPS = 2;
export const MISSING = 3;
export const FILE = 4;
export const FOLDER = 5;
/** 6: anything else (a pipe, a device), neither a file nor a folder. */
/** The thread could not answer as the loop would (an error other than ENOENT, a file it does not read): the loop does it itself, as it always did. */
export const FAILED = 7;
/** A file read whole whose bytes are plain UTF-8 text (plainText). */
export const TEXT = 8;

/** How long the loop waits on the path the thread is doing before it does the path itself. */
export const STALL_MS = 2_000;
/** Numbers a path has in the shared numbers: mtime and size (a `stat`); and where its bytes are (a read). */
export const STAT_NUMBERS = 2;
export const READ_NUMBERS = 4;
/** The most bytes a list's reads hold at once (address space reserved, used only as files are read); past it the loop reads the rest. */
const READ_AHEAD_BYTES = 256 * 1024 * 1024;

/**
 * Look at paths from the last one back, claiming each slot first (`kinds[index + 1]` from UNCLAIMED to
 * THREADS), until the slot of the loop that goes from the first one forward is reached, or the loop
 * is done with the list (`kinds[0]` set); `look` puts its numbers in before the kind it returns is
 * stored, so they are there when the loop sees it (a throw: 7). The thread runs this very function from
 * its source text, so it uses nothing but its arguments (the constants above are written as numbers).
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

/** The numbers lstatFromTheEnd keeps of each path: dev, ino, mode, nlink, uid, gid, size, blocks, mtimeMs, ctimeMs, in that order (read back by stat-ahead.ts, LookedLstat). */
export const LSTAT_NUMBERS = 10;

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

/**
 * A long list done on two cores: the loop that needs the answers takes them from the first path
 * forward, each claiming a path's slot before doing it. For `stat`s, where the loop does little
 * else, the thread goes from the last path back and the list is done where they meet; for reads,
 * where the loop parses each file, the thread goes forward too, passing over the paths the loop
 * claimed, and once ahead the loop only takes what it read. The loop never waits for the thread
 * beyond the one path it may be doing: a slot not yet claimed is the loop's own, so a thread that
 * starts late, stalls or stops costs nothing but its start.
 */
export class SharedList {
  readonly kinds?: Int32Array;
  readonly numbers?: Float64Array;

  /** A list the thread takes part in when `shared` (its slots) is given; else the loop's alone. */
  private constructor(
    private readonly paths: PathList,
    shared?: { kinds: SharedArrayBuffer; numbers: SharedArrayBuffer },
  ) {
    if (!shared) return;
    this.kinds = new Int32Array(shared.kinds);
    this.numbers = new Float64Array(shared.numbers);
  }

  /**
   * `paths`, handed to the thread when the list is long enough to gain by it (`from` names or more):
   * `stat`s, `lstat`s (`{ lstat: true }`, LSTAT_NUMBERS each) or reads (`bytes` and the rest).
   */
  static start(
    paths: PathList,
    numbersEach: number,
    extra: { bytes: SharedArrayBuffer; maxBytes: number; flags: number; within?: string } | { lstat: true } | undefined,
    from = LOOK_AHEAD_FROM,
  ): SharedList {
    const count = paths.names.length;
    const worker = count >= from ? lookAheadThread() : undefined;
    if (!worker) return new SharedList(paths);
    const shared = { kinds: new SharedArrayBuffer(4 * (count + 1)), numbers: new SharedArrayBuffer(8 * numbersEach * count) };
    // One string, not a list of them: copied to the thread as one piece.
    worker.postMessage({ prefix: paths.prefix, names: paths.names.join('\0'), suffix: paths.suffix, count, ...shared, ...extra });
    return new SharedList(paths, shared);
  }

  /** A list the thread made itself (FolderReads): its names, and the slots it shares. */
  static adopt(paths: PathList, shared: { kinds: SharedArrayBuffer; numbers: SharedArrayBuffer }): SharedList {
    return new SharedList(paths, shared);
  }

  /** The path at `index`. */
  pathAt(index: number): string {
    return `${this.paths.prefix}${this.paths.names[index] as string}${this.paths.suffix}`;
  }

  /**
   * What the thread found for `index` (MISSING, FILE, FOLDER, 6, FAILED), or LOOPS: the loop's to do
   * (or done by the loop already, through `meanwhile`). While the thread is on that very path, the
   * loop calls `meanwhile` (work of its own, true while it found some) rather than wait idle. Indexes in order.
   */
  claim(index: number, meanwhile?: () => boolean): number {
    const kind = this.claimOrSee(index);
    return kind === THREADS ? this.waitFor(index + 1, meanwhile) : kind;
  }

  /**
   * As claim, but never waiting: THREADS while the thread is on that very path, for the loop to do it itself
   * (the thread's answer, when it comes, is not read). A loop whose look costs a few µs (an `lstat`) does it
   * rather than wait on a thread the kernel may not be running.
   */
  claimOrSee(index: number): number {
    const kinds = this.kinds;
    if (!kinds) return LOOPS;
    const slot = index + 1;
    const kind = Atomics.load(kinds, slot);
    if (kind !== UNCLAIMED) return kind;
    // Claimed by the thread since the load: what it holds now (the thread's claim, or its answer), never the load's UNCLAIMED.
    const was = Atomics.compareExchange(kinds, slot, UNCLAIMED, LOOPS);
    return was === UNCLAIMED ? LOOPS : was;
  }

  /** Claim the slot of `index` for the loop if no one has (true), going from the end back while it would wait. */
  claimFromTheEnd(index: number): boolean {
    return this.kinds !== undefined && Atomics.compareExchange(this.kinds, index + 1, UNCLAIMED, LOOPS) === UNCLAIMED;
  }

  /**
   * What the thread finds for the path it is doing (some microseconds), `meanwhile` done until it has
   * no more to do; LOOPS, for the loop to do it itself, when it has not answered within STALL_MS (a
   * thread that died in the middle of a path, or a file system that hangs: its answer, should it
   * come, is not read).
   */
  private waitFor(slot: number, meanwhile?: () => boolean): number {
    const kinds = this.kinds as Int32Array;
    let busy = meanwhile !== undefined;
    let kind = Atomics.load(kinds, slot);
    while (busy && kind === THREADS) {
      busy = (meanwhile as () => boolean)();
      kind = Atomics.load(kinds, slot);
    }
    const deadline = Date.now() + STALL_MS;
    for (let spins = 0; kind === THREADS; spins += 1) {
      if (spins >= 1_000) {
        if (Date.now() > deadline) return LOOPS;
        Atomics.wait(kinds, slot, THREADS, 1);
      }
      kind = Atomics.load(kinds, slot);
    }
    return kind;
  }

  /** The loop is over (whether or not it took every path): the thread stops at its next path. */
  done(): void {
    if (!this.kinds) return;
    Atomics.store(this.kinds, 0, 1);
    keepHeapAsSet();
  }
}


/** How the thread opens a file: without waiting on a pipe. */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** Where the thread puts what it reads: grown as needed, up to READ_AHEAD_BYTES. */
export function growableBytes(): SharedArrayBuffer {
  const Growable = SharedArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => SharedArrayBuffer;
  return new Growable(1024 * 1024, { maxByteLength: READ_AHEAD_BYTES });
}
