import { constants, fchmodSync, fstatSync, openSync } from 'node:fs';
import { closeQuietly, entryPath, openBase, openBeneath } from './beneath/open-beneath.js';
import { UNBOUNDED, WalkBeneath, type PassedOver, type WalkBounds } from './beneath/walk-beneath.js';
import { workspaceBounds, type WorkspaceLimits } from './workspace-bounds.js';

/** What a measurement of a folder a command may write found: the disk it takes, its entries, and what is past its bounds. */
export interface FolderUsage {
  /** Allocated bytes (st_blocks × 512) of every entry below it, each file counted once however many names it has: a sparse file counts what it holds. */
  bytes: number;
  /** Entries met (files, folders, links and the rest). */
  entries: number;
  /** Files and folders whose setuid or setgid bit was cleared. */
  cleared: number;
  /**
   * The first thing found past the folder's bounds (workspace-bounds.ts) that no reader of it would
   * take: more entries than max_files, a file whose apparent size passes the quota, a folder nested
   * too deep or a path too long. The walk stops there.
   */
  past?: PassedOver;
  /** False when part of it could not be walked (a folder that cannot be opened): `bytes` counts the rest. */
  complete: boolean;
  /** The caller called the walk off before it ended (`calledOff`). */
  calledOff?: true;
}

/** The setuid (0o4000) and setgid (0o2000) bits. */
const SET_ID = 0o6000;

/** Opening a file or folder to change its mode: never through a link, and without waiting on a pipe. */
const HELD = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Entries walked before the event loop is given a turn: a few milliseconds of lstat. */
const SLICE = 2000;

/**
 * Measure a folder a command may write (its workspace, or the shared one), by the one walker of
 * what agents wrote (beneath/walk-beneath.ts: no link followed, every folder opened from its parent's
 * descriptor), within the folder's bounds; with `clearSetId`, also take the setuid and setgid bits
 * off every file and folder below it. A bit is cleared through a descriptor of the very file
 * (fchmod), never by name, so a file swapped for a link meanwhile changes nothing outside. A
 * missing folder takes nothing. `.git` folders are measured like any other (what they hold takes
 * disk); a link, a pipe or a device takes what lstat says and is not followed. The walk gives the
 * event loop a turn every SLICE entries, so the engine goes on answering while a large workspace is
 * measured; it stops at the first thing past the bounds, so it meets at most max_files entries, and
 * between two slices when `calledOff` says so.
 */
export async function folderUsage(path: string, options: { clearSetId: boolean; limits?: WorkspaceLimits; calledOff?: () => boolean }): Promise<FolderUsage> {
  const usage: FolderUsage = { bytes: 0, entries: 0, cleared: 0, complete: true };
  const base = openBase(path);
  if ('code' in base) {
    if (base.code !== 'ENOENT') usage.complete = false;
    return usage;
  }
  // The total of apparent sizes is a reader's bound (what it would copy), not the quota's: blocks are.
  const bounds: WalkBounds = { ...(options.limits ? workspaceBounds(options.limits) : UNBOUNDED), totalBytes: Number.MAX_SAFE_INTEGER };
  const seen = new Set<number>();
  const walk = new WalkBeneath(
    base.fd,
    bounds,
    (entry) => {
      const stat = entry.stat;
      // A file of several names (hard links) takes its blocks once.
      const counted = stat.nlink > 1 && !stat.isDirectory() ? !seen.has(stat.ino) && seen.add(stat.ino) !== undefined : true;
      if (counted) usage.bytes += stat.blocks * 512;
      if (entry.passed === 'unreadable') usage.complete = false;
      else if (entry.passed !== undefined && !KINDS_TAKEN.has(entry.passed)) {
        usage.past = { path: entry.path, reason: entry.passed, ...(entry.passed === 'file-bytes' ? { size: stat.size } : {}) };
        return 'stop';
      }
      if (options.clearSetId && (stat.mode & SET_ID) !== 0 && (stat.isFile() || stat.isDirectory())) clearSetId(entry.folder, entry.name, stat.isDirectory(), usage);
      return undefined;
    },
    { enterGit: true },
  );
  try {
    while (!walk.step(SLICE)) {
      await new Promise((resolve) => setImmediate(resolve));
      // Called off between two slices: what it found so far says nothing of the whole.
      if (options.calledOff?.()) {
        usage.complete = false;
        usage.calledOff = true;
        break;
      }
    }
  } finally {
    walk.end();
    closeQuietly(base.fd);
  }
  usage.entries = walk.report.entries;
  if (walk.report.stopped === 'entries') usage.past ??= { path: walk.report.passed.at(-1)?.path ?? '', reason: 'entries' };
  if (walk.report.passed.some((passed) => passed.reason === 'unreadable')) usage.complete = false;
  return usage;
}

/** What a folder may hold and the quota still not mind: links, pipes, sockets and devices take an entry and their blocks, and are not read. */
const KINDS_TAKEN: ReadonlySet<string> = new Set(['link', 'pipe', 'socket', 'device', 'git']);

/** Take the setuid and setgid bits off the entry `name` of the held folder, as it is now (not as a name said a moment ago). */
function clearSetId(folder: number, name: string, isFolder: boolean, usage: FolderUsage): void {
  let fd: number;
  try {
    const opened = isFolder ? openBeneath(folder, [name], { kind: 'folder' }) : { fd: openSync(entryPath(folder, name), HELD) };
    if ('code' in opened) {
      usage.complete = false;
      return;
    }
    fd = opened.fd;
  } catch {
    usage.complete = false;
    return;
  }
  try {
    const mode = fstatSync(fd).mode;
    if ((mode & SET_ID) === 0) return;
    fchmodSync(fd, mode & 0o7777 & ~SET_ID);
    usage.cleared += 1;
  } catch {
    usage.complete = false;
  } finally {
    closeQuietly(fd);
  }
}
