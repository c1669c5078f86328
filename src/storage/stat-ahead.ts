import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { keepHeapAsSet } from '../heap-settings.js';

/**
 * Lists shorter than this are `stat`ed where they are used: the thread's start (some 25 ms, once a
 * process) and the handing over cost more than a few thousand `stat`s (some 3 µs each) save.
 */
export const STAT_AHEAD_FROM = 4_096;

/** What a `stat` found, as the loops that use it need it; undefined: nothing there (ENOENT). */
export interface LookedStat {
  mtimeMs: number;
  size: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** A path's slot: not claimed yet, being `stat`ed by the thread, claimed by the loop, then what the thread found. */
const UNCLAIMED = 0;
const THREADS = 1;
const LOOPS = 2;
const MISSING = 3;
const FILE = 4;
const FOLDER = 5;
/** 6: anything else (a pipe, a device), neither a file nor a folder. */
/** The `stat` threw (not ENOENT): the loop `stat`s it itself, so its error is the one it always met. */
const FAILED = 7;

/**
 * Stat paths from the last one back, claiming each slot first (`kinds[index + 1]` from UNCLAIMED to
 * THREADS), until the slot of the loop that goes from the first one forward is reached, or the loop
 * is done with the list (`kinds[0]` set); mtime and size go into `numbers` (two a path) before the
 * kind is stored, so they are there when the loop sees it. The thread runs this very function from
 * its source text, so it uses nothing but its arguments (and the constants, passed as numbers).
 */
function statFromTheEnd(fs: { statSync: typeof statSync }, paths: readonly string[], kinds: Int32Array, numbers: Float64Array): void {
  for (let index = paths.length - 1; index >= 0 && Atomics.load(kinds, 0) === 0; index -= 1) {
    if (Atomics.compareExchange(kinds, index + 1, 0, 1) !== 0) return;
    let kind = 7;
    try {
      const stat = fs.statSync(paths[index] as string, { throwIfNoEntry: false });
      if (!stat) kind = 3;
      else {
        numbers[index * 2] = stat.mtimeMs;
        numbers[index * 2 + 1] = stat.size;
        kind = stat.isFile() ? 4 : stat.isDirectory() ? 5 : 6;
      }
    } catch {
      kind = 7;
    }
    Atomics.store(kinds, index + 1, kind);
  }
}

/** The thread's whole program (CommonJS, so it needs no file of its own to be found): a list at a time, in the order given, its paths joined by NULs. */
const THREAD_PROGRAM = `
const { parentPort } = require('node:worker_threads');
const statFromTheEnd = ${statFromTheEnd.toString()};
const fs = require('node:fs');
parentPort.on('message', ({ paths, kinds, numbers }) => statFromTheEnd(fs, paths.split('\\0'), new Int32Array(kinds), new Float64Array(numbers)));
`;

let thread: Worker | undefined;
let lost = false;

/** The one thread of a process that stats ahead, started at its first long list and kept (it holds no process open). */
function statThread(): Worker | undefined {
  if (thread || lost) return thread;
  try {
    thread = new Worker(THREAD_PROGRAM, { eval: true });
  } catch {
    lost = true;
    return undefined;
  }
  thread.unref();
  // Its start undoes our V8 flags (heap-settings.ts): set again when it is seen running, and at each list's end.
  thread.once('online', keepHeapAsSet);
  const gone = (): void => {
    lost = true;
    thread = undefined;
  };
  thread.on('error', gone);
  thread.on('exit', gone);
  return thread;
}

/**
 * `stat`s of a long list of paths on two cores: the loop that needs them takes them from the first
 * path forward, a thread of its own from the last one back, and where they meet the list is done.
 * At 100,000 agents, the look at every resume and at every outbox that a process's first turn makes
 * (some 0.3 s each, mostly system calls) takes about half that. A `stat` is taken once the loop has
 * started, never before it, so what it says is as fresh as the loop's own (the thread's are the
 * newer ones). The loop never waits for the thread beyond the one `stat` it may be making: a slot
 * not yet claimed is `stat`ed by the loop itself, so a thread that starts late, stalls or stops
 * costs nothing but its start; a path the thread could not `stat` (an error other than ENOENT) is
 * `stat`ed again by the loop, so it throws as it always did.
 */
export class StatAhead {
  /** Each path's slot (the first: the loop is done), and its mtime and size, shared with the thread; none for a short list. */
  private readonly kinds?: Int32Array;
  private readonly numbers?: Float64Array;

  private constructor(
    private readonly paths: readonly string[],
    worker: Worker | undefined,
  ) {
    if (!worker) return;
    this.kinds = new Int32Array(new SharedArrayBuffer(4 * (paths.length + 1)));
    this.numbers = new Float64Array(new SharedArrayBuffer(8 * 2 * paths.length));
    // One string, not a list of them: copied to the thread as one piece (a path holds no NUL).
    worker.postMessage({ paths: paths.join('\0'), kinds: this.kinds.buffer, numbers: this.numbers.buffer });
  }

  /** `stat`s of `paths`, a thread taking part when the list is long enough to gain by it. Call `done` when the loop is over. */
  static of(paths: readonly string[]): StatAhead {
    return new StatAhead(paths, paths.length >= STAT_AHEAD_FROM ? statThread() : undefined);
  }

  /** What `statSync(paths[index], { throwIfNoEntry: false })` says (undefined: nothing there), taken by the thread or here; throws as that would. Indexes in order. */
  get(index: number): LookedStat | undefined {
    const { kinds, numbers } = this;
    if (!kinds || !numbers) return statSync(this.paths[index] as string, { throwIfNoEntry: false });
    const slot = index + 1;
    let kind = Atomics.load(kinds, slot);
    if (kind === UNCLAIMED && Atomics.compareExchange(kinds, slot, UNCLAIMED, LOOPS) === UNCLAIMED) kind = LOOPS;
    // The thread is making this very `stat`: some microseconds.
    while (kind === THREADS) kind = Atomics.load(kinds, slot);
    if (kind === MISSING) return undefined;
    if (kind === LOOPS || kind === FAILED) return statSync(this.paths[index] as string, { throwIfNoEntry: false });
    const mtimeMs = numbers[index * 2] as number;
    const size = numbers[index * 2 + 1] as number;
    return { mtimeMs, size, isFile: () => kind === FILE, isDirectory: () => kind === FOLDER };
  }

  /** The loop is over (whether or not it took every path): the thread stops at its next path. */
  done(): void {
    if (!this.kinds) return;
    Atomics.store(this.kinds, 0, 1);
    keepHeapAsSet();
  }
}
