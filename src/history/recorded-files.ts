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
 * Where a walk looks: each path walked whole (a folder and all under it; a file itself; nothing
 * there adds nothing, and every file known under it is gone). What a recorded-files watch saw
 * change (recorded-watch.ts): the names its events named.
 */
export interface WalkScope {
  trees: ReadonlySet<string>;
}

/** Whether a recorded file's path is one a walk of `scope` looks at: a file it does not find there is gone. Pure. */
export function inScope(path: string, scope: WalkScope): boolean {
  return coveredByTree(path, scope.trees);
}

/**
 * The org's recorded files as they stand (path relative to the root, with `/`), or the first name
 * the walk does not decide the way `git add` with recordedPathspecs would (a nested git repository,
 * a folder named like an excluded file, a fifo, a name git quotes): then the entry is staged by
 * `git add` itself. The same rule as recordedPathspecs (history-paths.ts), one file at a time.
 *
 * With `scope`, only there (an entry within a run, from what a watch saw). `beforeFolder` is
 * called with each folder the walk lists, before it lists it: a watch set then misses no change
 * made after the listing.
 */
export function walkRecordedFiles(
  root: string,
  startedMs = Date.now(),
  options: { scope?: WalkScope; beforeFolder?: (relative: string) => void } = {},
): { files: Map<string, FileStamp> } | { unusual: string } {
  const files = new Map<string, FileStamp>();
  const { scope, beforeFolder } = options;
  /** One entry of `folder`: a file's stamp kept, a folder walked; the path itself when it is unusual. */
  const visit = (folder: string, name: string, isDirectory: boolean): string | undefined => {
    const path = `${folder}/${name}`;
    if (name === '.git' || name.includes('\n') || name.startsWith('"') || name.includes('\uFFFD')) return path;
    const excluded = excludedName(folder, name);
    if (isDirectory) {
      // A folder named like an excluded file: git's pathspecs decide it, not this walk.
      if (excluded === 'file') return path;
      return excluded === 'tree' ? undefined : walk(path);
    }
    if (excluded) return undefined;
    let stats: Stats;
    try {
      stats = lstatSync(join(root, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // Replaced by a folder since it was listed: walked as one.
    if (stats.isDirectory()) return excluded === 'file' ? path : walk(path);
    if (!stats.isFile() && !stats.isSymbolicLink()) return path;
    const mode = stats.isSymbolicLink() ? '120000' : stats.mode & 0o100 ? '100755' : '100644';
    // Written within the clock's grain of this walk: a second write of the same size could keep these
    // times, so the stamp is one that never matches, and the file is read again next time (git's "racy" files).
    const racy = stats.mtimeMs >= startedMs - RACY_MS || stats.ctimeMs >= startedMs - RACY_MS;
    files.set(path, { mode, stamp: racy ? 'racy' : `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}` });
    return undefined;
  };
  const walk = (relative: string): string | undefined => {
    beforeFolder?.(relative);
    let entries;
    try {
      entries = readdirSync(join(root, relative), { withFileTypes: true });
    } catch (error) {
      // Removed while walked (or a file now): what it held is gone, as git would find it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw error;
    }
    for (const entry of entries) {
      const unusual = visit(relative, entry.name, entry.isDirectory());
      if (unusual) return unusual;
    }
    return undefined;
  };
  if (scope) {
    for (const tree of scope.trees) {
      // Walked already under a tree above it; or not in the history at all (its cache, history.git).
      if (coveredByTree(parentOf(tree), scope.trees) || !recorded(tree)) continue;
      const slash = tree.lastIndexOf('/');
      // A recorded folder itself (`agents`), made again: walked whole.
      const unusual = slash < 0 ? walk(tree) : visit(tree.slice(0, slash), tree.slice(slash + 1), false);
      if (unusual) return { unusual };
    }
    return { files };
  }
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

/** `a/b` of `a/b/c`; `` of `a`. Pure. */
function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Whether `path` or a folder above it is one of `trees`. Pure. */
function coveredByTree(path: string, trees: ReadonlySet<string>): boolean {
  for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) {
    if (trees.has(path.slice(0, end))) return true;
  }
  return false;
}

/**
 * Whether a path a watch names is in the history at all: under a recorded folder, and no excluded
 * name on its way (org/state/history.git, the cache, `.env`). Pure.
 */
export function recorded(path: string): boolean {
  const parts = path.split('/');
  if (!(RECORDED_FOLDERS as readonly string[]).includes(parts[0] ?? '')) return false;
  for (let index = 1; index < parts.length; index += 1) {
    if (excludedName(parts.slice(0, index).join('/'), parts[index] ?? '') === 'tree') return false;
  }
  return true;
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
