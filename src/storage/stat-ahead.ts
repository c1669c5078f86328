import { constants, lstatSync, statSync, type Stats } from 'node:fs';
import { FAILED, FILE, FOLDER, LOOK_AHEAD_FROM, LOOPS, LSTAT_NUMBERS, MISSING, SharedList, STAT_NUMBERS, STAT_THREAD_FROM, THREADS, type LookedStat, type PathList } from './look-ahead.js';

/**
 * `stat`s of a long list of paths on two cores (SharedList): at 100,000 agents, the look at every
 * resume and every outbox that a process's first turn makes (some 0.3 s each, mostly system calls)
 * takes about half that. A `stat` is taken once the loop has started, never before it, so what it
 * says is as fresh as the loop's own would be. A path the thread could not `stat` (an error other
 * than ENOENT) is `stat`ed again by the loop, so it throws as it always did.
 */
export class StatAhead {
  private constructor(private readonly list: SharedList) {}

  /** `stat`s of `paths`, the thread taking part when the list is long enough to gain by it (to start it, STAT_THREAD_FROM). Call `done` when the loop is over. */
  static of(paths: PathList): StatAhead {
    return new StatAhead(SharedList.start(paths, STAT_NUMBERS, undefined, LOOK_AHEAD_FROM, STAT_THREAD_FROM));
  }

  /** What `statSync(paths[index], { throwIfNoEntry: false })` says (undefined: nothing there), taken by the thread or here; throws as that would. Indexes in order. */
  get(index: number): LookedStat | undefined {
    const kind = this.list.claim(index);
    if (kind === MISSING) return undefined;
    if (kind === LOOPS || kind === FAILED) return statSync(this.list.pathAt(index), { throwIfNoEntry: false });
    const numbers = this.list.numbers as Float64Array;
    const mtimeMs = numbers[index * STAT_NUMBERS] as number;
    const size = numbers[index * STAT_NUMBERS + 1] as number;
    return { mtimeMs, size, isFile: () => kind === FILE, isDirectory: () => kind === FOLDER };
  }

  done(): void {
    this.list.done();
  }
}

/** What a walk reads of an entry's `lstat`: a Stats has it all; one the thread looked up (LookedLstat) has only these. */
export type EntryStat = Pick<
  Stats,
  'dev' | 'ino' | 'mode' | 'nlink' | 'uid' | 'gid' | 'size' | 'blocks' | 'mtimeMs' | 'ctimeMs' | 'isFile' | 'isDirectory' | 'isSymbolicLink' | 'isFIFO' | 'isSocket'
>;

/** A folder's entries this many or more are shared with the thread: below it, its start and the handing over cost more than they save. */
export const LSTAT_AHEAD_FROM = 256;

/** An `lstat` the thread took: its numbers, and the kind tests a Stats has, from its mode. */
class LookedLstat implements EntryStat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  size: number;
  blocks: number;
  mtimeMs: number;
  ctimeMs: number;

  constructor(numbers: Float64Array, at: number) {
    this.dev = numbers[at] as number;
    this.ino = numbers[at + 1] as number;
    this.mode = numbers[at + 2] as number;
    this.nlink = numbers[at + 3] as number;
    this.uid = numbers[at + 4] as number;
    this.gid = numbers[at + 5] as number;
    this.size = numbers[at + 6] as number;
    this.blocks = numbers[at + 7] as number;
    this.mtimeMs = numbers[at + 8] as number;
    this.ctimeMs = numbers[at + 9] as number;
  }

  private is(type: number): boolean {
    return (this.mode & constants.S_IFMT) === type;
  }

  isFile(): boolean {
    return this.is(constants.S_IFREG);
  }

  isDirectory(): boolean {
    return this.is(constants.S_IFDIR);
  }

  isSymbolicLink(): boolean {
    return this.is(constants.S_IFLNK);
  }

  isFIFO(): boolean {
    return this.is(constants.S_IFIFO);
  }

  isSocket(): boolean {
    return this.is(constants.S_IFSOCK);
  }
}

/**
 * A folder's entries `lstat`ed on two cores (SharedList): the walk of the org takes them in name
 * order from the first, the look-ahead thread from the last back, and they meet where the walk's
 * other work (comparing each file with the known files) lets them. The history's first entry of a
 * process looks at every file of the org (215,000 after 1,000 turns of 200 busy agents, some 1,000
 * in each outbox), and the kernel's `lstat` of each path, some 5 µs, was most of its walk. Only for
 * lemming's own folders, where the walk looks at each entry by its path (org/walk-org.ts): a
 * workspace, where commands write, is walked through its held folders, on the engine's thread alone.
 *
 * The `lstat`s of one folder's entries, taken in order (`get`), then `done`.
 */
export class LstatAhead {
  /** How many of the entries the thread looked at (the rest, the walk itself). */
  ahead = 0;

  private constructor(private readonly list: SharedList) {}

  /**
   * `lstat`s of `folder` + `/` + each of `names` (a folder's entries, as listed), the thread taking part
   * when there are LSTAT_AHEAD_FROM or more and it is there (no worker threads, or one that failed to
   * start: the walk looks at each itself, as it always did).
   */
  static of(folder: string, names: readonly string[]): LstatAhead {
    return new LstatAhead(SharedList.start({ prefix: `${folder}/`, names, suffix: '' }, LSTAT_NUMBERS, { lstat: true }, LSTAT_AHEAD_FROM));
  }

  /** What `lstatSync(path of names[index], { throwIfNoEntry: false })` says (undefined: nothing there), taken by the thread or here; throws as that would. Indexes in order. */
  get(index: number): EntryStat | undefined {
    // Where the walk and the thread meet, the walk looks itself rather than wait on the one path the thread is doing.
    const kind = this.list.claimOrSee(index);
    if (kind === MISSING) {
      this.ahead += 1;
      return undefined;
    }
    if (kind === LOOPS || kind === FAILED || kind === THREADS) return lstatSync(this.list.pathAt(index), { throwIfNoEntry: false });
    this.ahead += 1;
    return new LookedLstat(this.list.numbers as Float64Array, index * LSTAT_NUMBERS);
  }

  /** The walk is done with the folder (at its end, or stopped early): the thread goes no further. */
  done(): void {
    this.list.done();
  }
}
