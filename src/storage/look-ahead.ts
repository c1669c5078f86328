import { constants } from 'node:fs';
import { keepHeapAsSet } from '../heap-settings.js';
import { lookAheadThread, lookAheadThreadRunning } from './look-ahead-thread.js';

/**
 * Lists shorter than this are done by the loop alone: the thread's start (some 25 ms, once a
 * process) and the handing over cost more than a few thousand `stat`s or reads (3 to 10 µs each) save.
 */
export const LOOK_AHEAD_FROM = 4_096;

/**
 * A list of `stat`s shorter than this is done by the loop alone unless the thread is running already:
 * its start (a Node environment of its own) takes as long as some 10,000 of the loop's `stat`s, so at
 * 10,000 (a `lemming status` of 10,000 agents, a list of one `stat` a resume) it answered 1 to 5% of
 * them, and its start was some 15% of the process's instructions. Once running, it helps any list from
 * LOOK_AHEAD_FROM.
 */
export const STAT_THREAD_FROM = 20_000;

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

/** The numbers lstatFromTheEnd keeps of each path: dev, ino, mode, nlink, uid, gid, size, blocks, mtimeMs, ctimeMs, in that order (read back by stat-ahead.ts, LookedLstat). */
export const LSTAT_NUMBERS = 10;

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
   * `paths`, handed to the thread when the list is long enough to gain by it (`from` names or more; a
   * list that would start the thread, `startFrom` or more): `stat`s, `lstat`s (`{ lstat: true }`,
   * LSTAT_NUMBERS each) or reads (`bytes` and the rest).
   */
  static start(
    paths: PathList,
    numbersEach: number,
    extra: { bytes: SharedArrayBuffer; maxBytes: number; flags: number; within?: string } | { lstat: true } | undefined,
    from = LOOK_AHEAD_FROM,
    startFrom = from,
  ): SharedList {
    const count = paths.names.length;
    const worker = count >= from && (count >= startFrom || lookAheadThreadRunning()) ? lookAheadThread() : undefined;
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
