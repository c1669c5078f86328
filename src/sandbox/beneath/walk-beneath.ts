import { lstatSync, readdirSync } from 'node:fs';
import type { EntryStat, LstatAhead } from '../../storage/stat-ahead.js';
import { closeQuietly, entryPath, heldPath, openBeneath } from './open-beneath.js';

/**
 * The one walker of what agents wrote. Everything lemming does afterwards with a workspace (its
 * disk quota, the history's entries, export and backup, a check's view, the file tools' listings
 * and searches, the sweep of temporaries) and with a folder someone else shaped (a template)
 * walks it here, so that what a file may be is decided in one place:
 *
 * - regular files and folders only. A symbolic link, a pipe, a socket or a device is met, named
 *   and passed over, never followed or opened; a folder named `.git` below the start (a nested
 *   repository) is passed over too, unless the walk measures (`enterGit`). Every folder is opened
 *   from its parent's descriptor by open-beneath.ts, so a folder swapped for a link while the walk
 *   goes is refused, never entered.
 * - bounded in depth, path length, entries, each file's apparent size (what it would take written
 *   out: a sparse file counts its holes) and the apparent size of all files together. What is past
 *   a bound is passed over and named, so a workspace of a million empty files, a chain of folders
 *   deeper than PATH_MAX or a terabyte of holes costs a reader no more than its bounds.
 * - what it met is what a reader takes. A visitor opens an entry from the folder the walk holds
 *   (openBeneath, following no link, never waiting on a pipe) and looks at the descriptor, not the
 *   name: an entry swapped since for a pipe or a device is refused, and a file that grew, or was
 *   swapped for a larger one, is read no further than the size the walk met and bounded
 *   (org/walk-org.ts: `OpenedFile`; the history, reading after the walk, opens by the same rule).
 *
 * Breadth-first, each folder's entries in name order (a listing cut at its cap shows the top
 * first; `lastFirst` turns it round); at most one folder is held open at a time besides the start. A walk runs in steps
 * (`WalkBeneath.step`), so a caller that must not block its event loop for long (the disk quota,
 * measuring while a command runs) walks a few thousand entries at a time.
 */

/** How far a walk goes. */
export interface WalkBounds {
  /** Folders below the start entered, at most (a folder deeper is passed over, unread). */
  depth: number;
  /** Bytes of an entry's path below the start (`a/b/c`), at most. */
  pathBytes: number;
  /** Entries met, at most: past it the walk stops. */
  entries: number;
  /** The apparent size of one file, at most. */
  fileBytes: number;
  /** The apparent sizes of all files visited, together, at most: a file that would pass it is passed over. */
  totalBytes: number;
}

/** No bound but what the file system itself has: for lemming's own folders, where the kinds of file still matter. */
export const UNBOUNDED: Readonly<WalkBounds> = Object.freeze({ depth: 256, pathBytes: 4096, entries: Number.MAX_SAFE_INTEGER, fileBytes: Number.MAX_SAFE_INTEGER, totalBytes: Number.MAX_SAFE_INTEGER });

/** Why an entry was passed over. */
export type PassReason =
  | 'link'
  | 'pipe'
  | 'socket'
  | 'device'
  | 'git'
  | 'depth'
  | 'path'
  | 'file-bytes'
  | 'total-bytes'
  | 'entries'
  | 'unreadable';

/** Reasons that say what an entry is: it is passed over wherever it is, whatever the bounds. */
export const KIND_REASONS: ReadonlySet<PassReason> = new Set(['link', 'pipe', 'socket', 'device', 'git']);

/** An entry a walk did not take, and why. */
export interface PassedOver {
  /** Below the start, with `/`. */
  path: string;
  reason: PassReason;
  /** Its apparent size, for the size reasons. */
  size?: number;
  /** The errno, for `unreadable`. */
  code?: string;
}

/** One entry met by a walk. */
export interface WalkedEntry {
  /** The parts below the start folder, the entry's own name last. */
  parts: readonly string[];
  /** `parts` joined with `/`. */
  path: string;
  name: string;
  /** What lstat said of it (on the look-ahead thread, for a walk given `lstatsAhead`). */
  stat: EntryStat;
  /** The folder holding it, open: read the entry with openBeneath(folder, [name], …) or entryPath(folder, name). */
  folder: number;
  /** Set when the walk passes over it (a file not to read, a folder not to enter); absent for a file or folder taken. */
  passed?: PassReason;
}

/** What a walk met, in all. */
export interface WalkReport {
  /** Entries met (passed over or not), until the walk stopped. */
  entries: number;
  /** Apparent bytes of the files taken. */
  fileBytes: number;
  /** The first PASSED_KEPT entries passed over, in the order met. */
  passed: PassedOver[];
  /** How many were passed over in all. */
  passedCount: number;
  /** Entries whose `lstat` the look-ahead thread took (`lstatsAhead`); the rest the walk took itself. */
  lookedAhead: number;
  /** Why the walk ended before it had met everything: the entries bound, or the visitor said so. */
  stopped?: 'entries' | 'visitor';
}

/** How many passed-over entries a report names: enough to say what happened, bounded however many there were. */
export const PASSED_KEPT = 100;

/** What a visitor answers: `stop` ends the walk; `skip` leaves a folder unentered (or a file untaken, for the totals); anything else goes on. */
export type VisitAnswer = 'stop' | 'skip' | undefined;

/** Options of a walk besides its bounds. */
export interface WalkOptions {
  /** Entered folders' names a walk leaves out before it looks at them at all (lemming's temporaries, for the file tools). */
  leaveOut?: (name: string, parts: readonly string[]) => boolean;
  /** Enter folders named `.git` below the start: the disk quota measures them like any other; readers do not. */
  enterGit?: boolean;
  /** Called with each folder's parts below the start as it is about to be listed (the history's watch starts there). */
  beforeFolder?: (parts: readonly string[]) => void;
  /** Each folder's entries in reverse name order, so a walk cut at its bounds keeps the last names (a memory stream's newest). */
  lastFirst?: boolean;
  /**
   * The start's own path, for a start below which no command writes (lemming's own folders: org/walk-org.ts):
   * each entry is looked at by its path from there, not through the folder held (`/proc/self/fd/N/name`),
   * whose look the kernel takes through procfs at twice the cost (5 against 2.5 µs an `lstat` on the RAM
   * disk): the history's first entry of a run looks at every file of the org, 215,000 of them after 1,000
   * turns of 200 busy agents. Folders are still opened and listed from the ones held.
   */
  byPath?: string;
  /**
   * With `byPath`: each folder's entries `lstat`ed on two cores (storage/stat-ahead.ts, LstatAhead.of),
   * given the folder's path and its names as listed. The walk takes each entry's in order, as it would
   * have looked itself; a folder too small to share, or no thread, is looked at by the walk alone.
   */
  lstatsAhead?: (folder: string, names: readonly string[]) => LstatAhead;
}

/** What an entry is, as a walk takes it: a file, a folder, or the reason it is passed over whatever the bounds. Pure. */
export function kindOf(stat: EntryStat): PassReason | 'file' | 'folder' {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'folder';
  if (stat.isSymbolicLink()) return 'link';
  if (stat.isFIFO()) return 'pipe';
  if (stat.isSocket()) return 'socket';
  return 'device';
}

/** A walk under way: `step` walks on; `report` says what it met so far. */
export class WalkBeneath {
  readonly report: WalkReport = { entries: 0, fileBytes: 0, passed: [], passedCount: 0, lookedAhead: 0 };
  private readonly queue: Array<readonly string[]> = [[]];
  /** The folder being listed: its descriptor, parts, names and how far through them. */
  private current: { fd: number; parts: readonly string[]; prefix: string; names: string[]; index: number; ahead?: LstatAhead } | undefined;
  private done = false;

  constructor(
    private readonly start: number,
    private readonly bounds: WalkBounds,
    private readonly visit: (entry: WalkedEntry) => VisitAnswer,
    private readonly options: WalkOptions = {},
  ) {}

  /** Whether the walk is over. */
  get finished(): boolean {
    return this.done;
  }

  /**
   * Walk on for at most `entries` entries; true once the walk is over. The start's own failure to be
   * listed is thrown; a folder below it that cannot be opened or listed is passed over as unreadable.
   */
  step(entries = Number.POSITIVE_INFINITY): boolean {
    let left = entries;
    try {
      while (!this.done && left > 0) {
        if (!this.current && !this.openNext()) continue;
        const folder = this.current as NonNullable<WalkBeneath['current']>;
        if (folder.index >= folder.names.length) {
          this.closeCurrent();
          continue;
        }
        const name = folder.names[folder.index] as string;
        folder.index += 1;
        left -= 1;
        this.meet(folder, name);
      }
    } catch (error) {
      this.end();
      throw error;
    }
    return this.done;
  }

  /** Walk to the end at once. */
  run(): WalkReport {
    this.step();
    return this.report;
  }

  /** Let go of what the walk holds, wherever it is: it goes no further. */
  end(): void {
    this.closeCurrent();
    this.queue.length = 0;
    this.done = true;
  }

  private pass(path: string, reason: PassReason, extra: { size?: number; code?: string } = {}): void {
    this.report.passedCount += 1;
    if (this.report.passed.length < PASSED_KEPT) this.report.passed.push({ path, reason, ...extra });
  }

  private closeCurrent(): void {
    const ahead = this.current?.ahead;
    if (ahead) {
      ahead.done();
      this.report.lookedAhead += ahead.ahead;
    }
    if (this.current && this.current.fd !== this.start) closeQuietly(this.current.fd);
    this.current = undefined;
  }

  /** Open and list the next folder of the queue; false when there was none, or it could not be. */
  private openNext(): boolean {
    const parts = this.queue.shift();
    if (parts === undefined) {
      this.done = true;
      return false;
    }
    const opened = parts.length === 0 ? { fd: this.start } : openBeneath(this.start, parts, { kind: 'folder' });
    const path = parts.join('/');
    if ('code' in opened) {
      this.pass(path, opened.code === 'ELOOP' ? 'link' : 'unreadable', opened.code === 'ELOOP' ? {} : { code: opened.code });
      return false;
    }
    this.options.beforeFolder?.(parts);
    let names: string[];
    try {
      names = readdirSync(heldPath(opened.fd)).sort();
      if (this.options.lastFirst) names.reverse();
    } catch (error) {
      if (opened.fd !== this.start) closeQuietly(opened.fd);
      if (parts.length === 0) throw error;
      this.pass(path, 'unreadable', { code: (error as NodeJS.ErrnoException).code ?? 'EIO' });
      return false;
    }
    const leaveOut = this.options.leaveOut;
    const prefix = path === '' ? '' : `${path}/`;
    const taken = leaveOut ? names.filter((name) => !leaveOut(name, parts)) : names;
    const { byPath, lstatsAhead } = this.options;
    // Shared once listed, not before: each lstat is as fresh as the walk's own would be.
    const ahead = byPath !== undefined && lstatsAhead ? lstatsAhead(path === '' ? byPath : `${byPath}/${path}`, taken) : undefined;
    this.current = { fd: opened.fd, parts, prefix, names: taken, index: 0, ...(ahead ? { ahead } : {}) };
    return true;
  }

  private meet(folder: NonNullable<WalkBeneath['current']>, name: string): void {
    const byPath = this.options.byPath;
    const stat = folder.ahead ? folder.ahead.get(folder.index - 1) : lstatSync(byPath === undefined ? entryPath(folder.fd, name) : `${byPath}/${folder.prefix}${name}`, { throwIfNoEntry: false });
    // Removed since the folder was listed: it is not there.
    if (stat === undefined) return;
    const bounds = this.bounds;
    const report = this.report;
    const path = folder.prefix + name;
    const parts = [...folder.parts, name];
    if (report.entries >= bounds.entries) {
      this.pass(path, 'entries');
      report.stopped = 'entries';
      this.end();
      return;
    }
    report.entries += 1;
    const kind = kindOf(stat);
    let passed: PassReason | undefined;
    if (kind !== 'file' && kind !== 'folder') passed = kind;
    else if (Buffer.byteLength(path) > bounds.pathBytes) passed = 'path';
    else if (kind === 'folder') {
      if (name === '.git' && !this.options.enterGit) passed = 'git';
      else if (parts.length > bounds.depth) passed = 'depth';
    } else {
      // The apparent size: what a reader would read or copy, holes and all (the quota counts blocks).
      const size = stat.size;
      if (size > bounds.fileBytes) passed = 'file-bytes';
      else if (report.fileBytes + size > bounds.totalBytes) passed = 'total-bytes';
    }
    if (passed !== undefined) this.pass(path, passed, passed === 'file-bytes' || passed === 'total-bytes' ? { size: stat.size } : {});
    const answer = this.visit({ parts, path, name, stat, folder: folder.fd, ...(passed ? { passed } : {}) });
    if (answer === 'stop') {
      report.stopped = 'visitor';
      this.end();
      return;
    }
    if (passed !== undefined || answer === 'skip') return;
    if (kind === 'file') report.fileBytes += stat.size;
    else this.queue.push(parts);
  }
}

/**
 * Walk the folder held as `start` to the end (see WalkBeneath), calling `visit` with each entry
 * met; returns what it met.
 */
export function walkBeneath(start: number, bounds: WalkBounds, visit: (entry: WalkedEntry) => VisitAnswer, options: WalkOptions = {}): WalkReport {
  return new WalkBeneath(start, bounds, visit, options).run();
}

/** What an entry passed over for what it is, is, in words. */
export const KIND_WORDS: Readonly<Record<'link' | 'pipe' | 'socket' | 'device' | 'git', string>> = {
  link: 'a symbolic link',
  pipe: 'a named pipe',
  socket: 'a socket',
  device: 'a device',
  git: 'a nested git repository',
};

/** How a passed-over entry is said to a person: `node_modules/.bin/tsc (a symbolic link)`. Pure. */
export function passedText(passed: PassedOver, showSize: (bytes: number) => string = (bytes) => `${bytes} bytes`): string {
  switch (passed.reason) {
    case 'link':
    case 'pipe':
    case 'socket':
    case 'device':
    case 'git':
      return `${passed.path} (${KIND_WORDS[passed.reason]})`;
    case 'depth':
      return `${passed.path} (a folder nested too deep)`;
    case 'path':
      return `${passed.path} (a path too long)`;
    case 'file-bytes':
      return `${passed.path} (${showSize(passed.size ?? 0)}, larger than a file may be)`;
    case 'total-bytes':
      return `${passed.path} (${showSize(passed.size ?? 0)}, past what the folder's files may hold together)`;
    case 'entries':
      return `${passed.path} and all after it (past the number of entries a folder may hold)`;
    case 'unreadable':
      return `${passed.path} (could not be read: ${passed.code ?? 'EIO'})`;
  }
}
