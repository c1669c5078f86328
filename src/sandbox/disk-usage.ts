import { constants, fchmodSync, fstatSync, openSync, type Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { closeQuietly, entryPath, heldPath, openBase, openBeneath } from './beneath/open-beneath.js';

/** What a walk of a folder a command may write found: the disk it takes, and the setuid and setgid bits it took away. */
export interface FolderUsage {
  /** Allocated bytes (st_blocks × 512) of every entry below it, each file counted once however many names it has: a sparse file counts what it holds. */
  bytes: number;
  /** Entries walked. */
  entries: number;
  /** Files and folders whose setuid or setgid bit was cleared. */
  cleared: number;
  /** False when part of it could not be walked (a folder that cannot be opened, or nested deeper than MAX_DEPTH): `bytes` counts the rest. */
  complete: boolean;
}

/**
 * Folders nested deeper than this are not walked: one descriptor is held per level, and no real
 * project nests a thousand folders.
 */
export const MAX_DEPTH = 1000;

/** The setuid (0o4000) and setgid (0o2000) bits. */
const SET_ID = 0o6000;

/** Opening a file to change its mode: never through a link, and without waiting on a pipe. */
const FILE = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Walk a folder a command may have written, following no link (sandbox/beneath/open-beneath.ts:
 * every folder opened from its parent's descriptor), to measure the disk it takes and, with
 * `clearSetId`, to take the setuid and setgid bits off every file and folder below it. A bit is
 * cleared through a descriptor of the very file (fchmod), never by name, so a file swapped for a
 * link meanwhile changes nothing outside. A missing folder takes nothing. Asynchronous, one system
 * call at a time on libuv's threads: a workspace of fifty thousand files (an `npm install`) takes
 * a second or so to walk, and the engine goes on answering meanwhile.
 */
export async function folderUsage(path: string, options: { clearSetId: boolean }): Promise<FolderUsage> {
  const usage: FolderUsage = { bytes: 0, entries: 0, cleared: 0, complete: true };
  const base = openBase(path);
  if ('code' in base) {
    if (base.code !== 'ENOENT') usage.complete = false;
    return usage;
  }
  const seen = new Set<number>();
  try {
    await walk(base.fd, 0, usage, seen, options.clearSetId);
  } finally {
    closeQuietly(base.fd);
  }
  return usage;
}

async function walk(folder: number, depth: number, usage: FolderUsage, seen: Set<number>, clear: boolean): Promise<void> {
  let names: string[];
  try {
    names = await readdir(heldPath(folder));
  } catch {
    usage.complete = false;
    return;
  }
  for (const name of names) {
    let stat: Stats;
    try {
      stat = await lstat(entryPath(folder, name));
    } catch {
      continue;
    }
    usage.entries += 1;
    // A file of several names (hard links) takes its blocks once.
    if (stat.nlink > 1 && !stat.isDirectory()) {
      if (seen.has(stat.ino)) continue;
      seen.add(stat.ino);
    }
    usage.bytes += stat.blocks * 512;
    if (stat.isDirectory()) {
      if (depth + 1 >= MAX_DEPTH) {
        usage.complete = false;
        continue;
      }
      const opened = openBeneath(folder, [name], { kind: 'folder' });
      if ('code' in opened) {
        usage.complete = false;
        continue;
      }
      try {
        if (clear && (stat.mode & SET_ID) !== 0) clearSetId(opened.fd, usage);
        await walk(opened.fd, depth + 1, usage, seen, clear);
      } finally {
        closeQuietly(opened.fd);
      }
    } else if (clear && stat.isFile() && (stat.mode & SET_ID) !== 0) {
      let fd: number;
      try {
        fd = openSync(entryPath(folder, name), FILE);
      } catch {
        usage.complete = false;
        continue;
      }
      try {
        clearSetId(fd, usage);
      } finally {
        closeQuietly(fd);
      }
    }
  }
}

/** Take the setuid and setgid bits off the file or folder held as `fd`, as it is now (not as a name said a moment ago). */
function clearSetId(fd: number, usage: FolderUsage): void {
  try {
    const mode = fstatSync(fd).mode;
    if ((mode & SET_ID) === 0) return;
    fchmodSync(fd, mode & 0o7777 & ~SET_ID);
    usage.cleared += 1;
  } catch {
    usage.complete = false;
  }
}
