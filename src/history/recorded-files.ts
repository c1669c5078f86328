import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isMachineLocalState } from '../org/state-gitignore.js';
import { RECORDED_FOLDERS } from './history-paths.js';

/** A recorded file as the walk saw it: enough to tell, without reading it, that it has not changed. */
export interface FileStamp {
  /** `100644`, `100755` or `120000` (a symbolic link), as git records it. */
  mode: string;
  /** Size, times, inode: changed by any write, an atomic replace (a new inode) or a chmod. */
  stamp: string;
}

/**
 * The org's recorded files as they stand (path relative to the root, with `/`), or the first name
 * the walk does not decide the way `git add` with recordedPathspecs would (a nested git repository,
 * a folder named like an excluded file, a fifo, a name git quotes): then the entry is staged by
 * `git add` itself. The same rule as recordedPathspecs (history-paths.ts), one file at a time.
 */
export function walkRecordedFiles(root: string, startedMs = Date.now()): { files: Map<string, FileStamp> } | { unusual: string } {
  const files = new Map<string, FileStamp>();
  const walk = (relative: string): string | undefined => {
    let entries;
    try {
      entries = readdirSync(join(root, relative), { withFileTypes: true });
    } catch (error) {
      // Removed while walked: what it held is gone, as git would find it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    for (const entry of entries) {
      const name = entry.name;
      const path = `${relative}/${name}`;
      if (name === '.git' || name.includes('\n') || name.startsWith('"') || name.includes('\uFFFD')) return path;
      const excluded = excludedName(relative, name);
      if (entry.isDirectory()) {
        // A folder named like an excluded file: git's pathspecs decide it, not this walk.
        if (excluded === 'file') return path;
        if (excluded === 'tree') continue;
        const unusual = walk(path);
        if (unusual) return unusual;
        continue;
      }
      if (excluded) continue;
      let stats: Stats;
      try {
        stats = lstatSync(join(root, path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      if (!stats.isFile() && !stats.isSymbolicLink()) return path;
      const mode = stats.isSymbolicLink() ? '120000' : stats.mode & 0o100 ? '100755' : '100644';
      // Written within the clock's grain of this walk: a second write of the same size could keep these
      // times, so the stamp is one that never matches, and the file is read again next time (git's "racy" files).
      const racy = stats.mtimeMs >= startedMs - RACY_MS || stats.ctimeMs >= startedMs - RACY_MS;
      files.set(path, { mode, stamp: racy ? 'racy' : `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}` });
    }
    return undefined;
  };
  for (const folder of RECORDED_FOLDERS) {
    let stats: Stats;
    try {
      stats = lstatSync(join(root, folder));
    } catch {
      continue;
    }
    if (!stats.isDirectory()) return { unusual: folder };
    const unusual = walk(folder);
    if (unusual) return { unusual };
  }
  return { files };
}

/**
 * Within this many ms before a walk, a file's times do not prove it unchanged: the kernel stamps
 * files from a clock that moves in ticks (up to 10 ms), so a second write in the tick of the first
 * could keep them. Twice a tick: a margin, and still only the last files a turn wrote are read again.
 */
const RACY_MS = 20;

/**
 * Whether a name is left out of the history (history-paths.ts): `file` for a name whose pattern is
 * meant for files (a folder of that name is unusual), `tree` for a path left out with all under it.
 */
function excludedName(folder: string, name: string): 'file' | 'tree' | undefined {
  if (folder === 'org/state' && isMachineLocalState(name, true)) {
    // Exact names (lock, journal.jsonl, cache, history.git) leave out a folder with all it holds; globs are for files.
    return name.includes('.') && !['journal.jsonl', 'history.git'].includes(name) ? 'file' : 'tree';
  }
  if (name === '.env' || name.startsWith('.env.') || /^\..*\.lemming-.*\.tmp$/.test(name)) return 'file';
  return undefined;
}
