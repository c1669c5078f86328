import { statSync } from 'node:fs';
import { FAILED, FILE, FOLDER, LOOPS, MISSING, SharedList, STAT_NUMBERS, type LookedStat, type PathList } from './look-ahead.js';

/**
 * `stat`s of a long list of paths on two cores (SharedList): at 100,000 agents, the look at every
 * resume and every outbox that a process's first turn makes (some 0.3 s each, mostly system calls)
 * takes about half that. A `stat` is taken once the loop has started, never before it, so what it
 * says is as fresh as the loop's own would be. A path the thread could not `stat` (an error other
 * than ENOENT) is `stat`ed again by the loop, so it throws as it always did.
 */
export class StatAhead {
  private constructor(private readonly list: SharedList) {}

  /** `stat`s of `paths`, the thread taking part when the list is long enough to gain by it. Call `done` when the loop is over. */
  static of(paths: PathList): StatAhead {
    return new StatAhead(SharedList.start(paths, STAT_NUMBERS, undefined));
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
