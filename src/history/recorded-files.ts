import { leftOutByName, ORG_FOLDERS, walkOrg, type LeftOut, type WorkspaceLimitsOf } from '../org/walk-org.js';

/** A recorded file as the walk saw it: enough to tell, without reading it, that it has not changed. */
export interface FileStamp {
  /** `100644` or `100755`, as git records it. */
  mode: string;
  /** Size, times, inode: changed by any write, an atomic replace (a new inode) or a chmod. */
  stamp: string;
  /** Its size in bytes when walked. */
  size: number;
  /**
   * What a rename keeps of it (size, time of writing, inode), racy or not: a record's file moved
   * whole to a piece is known by it as the bytes an entry read before (known-files.ts).
   */
  renamed: string;
}

/**
 * Where a walk looks: each path walked whole (a folder and all under it; a file itself; nothing
 * there adds nothing, and every file known under it is gone). What a recorded-files watch saw
 * change (recorded-watch.ts): the names its events named.
 */
export interface WalkScope {
  trees: ReadonlySet<string>;
}

/** What a walk of the recorded files found: each file's stamp, and what it left out (walk-org.ts). */
export interface RecordedWalk {
  files: Map<string, FileStamp>;
  leftOut: LeftOut[];
  leftOutCount: number;
}

/**
 * The org's recorded files as they stand (path relative to the root, with `/`): what the one walk
 * of the org takes (org/walk-org.ts: its folders, no secret, machine-local state or temporary, no
 * link, pipe or nested `.git`, each workspace within its bounds), with what it left out. So nothing
 * a command leaves in a workspace (a `.gitattributes`, a repository of its own, a chain of folders
 * deeper than the host's paths, a sparse file of a terabyte) changes what an entry holds or stops it
 * from being written: the history is written from this view by `git fast-import`, never by a git
 * command over a tree an agent shaped.
 *
 * With `scope`, only there (an entry within a run, from what a watch saw). `beforeFolder` is
 * called with each folder the walk lists, before it lists it: a watch set then misses no change
 * made after the listing.
 */
export function walkRecordedFiles(
  root: string,
  limitsOf: WorkspaceLimitsOf,
  startedMs = Date.now(),
  options: { scope?: WalkScope; beforeFolder?: (relative: string) => void } = {},
): RecordedWalk {
  const files = new Map<string, FileStamp>();
  const { scope, beforeFolder } = options;
  const trees = scope ? [...scope.trees].filter((tree) => !coveredByTree(parentOf(tree), scope.trees) && recorded(tree)).map((tree) => tree.split('/')) : undefined;
  const walked = walkOrg(
    root,
    limitsOf,
    ({ path, stat }) => {
      // Written within the clock's grain of this walk: a second write of the same size could keep these
      // times, so the stamp is one that never matches, and the file is read again next time (git's "racy" files).
      const racy = stat.mtimeMs >= startedMs - RACY_MS || stat.ctimeMs >= startedMs - RACY_MS;
      // Joined, not concatenated: one flat string each. The history's writer keeps a stamp of every file of
      // its last entry for the whole run (known-files.ts); `${a}:${b}:...` is a chain of 4 to 6 joined
      // strings in V8, some 250 bytes more a file than the text itself (200,000 messages after 1,000 turns
      // of 200 busy agents), marked by each full collection.
      files.set(path, { mode: stat.mode & 0o100 ? '100755' : '100644', stamp: racy ? 'racy' : [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino].join(':'), size: stat.size, renamed: [stat.size, stat.mtimeMs, stat.ino].join(':') });
    },
    { ...(trees ? { trees } : {}), ...(beforeFolder ? { beforeFolder } : {}) },
  );
  return { files, leftOut: walked.leftOut, leftOutCount: walked.leftOutCount };
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
 * Whether a path a watch names is in the history at all: under a recorded folder, and no name on
 * its way left out by name (org/state/history.git, the cache, `.env`). Pure.
 */
export function recorded(path: string): boolean {
  const parts = path.split('/');
  if (!(ORG_FOLDERS as readonly string[]).includes(parts[0] ?? '')) return false;
  for (let index = 2; index < parts.length; index += 1) {
    if (leftOutByName(parts.slice(0, index), true) !== undefined) return false;
  }
  return true;
}

/**
 * Within this many ms before a walk, a file's times do not prove it unchanged: the kernel stamps
 * files from a clock that moves in ticks (up to 10 ms), so a second write in the tick of the first
 * could keep them. Twice a tick: a margin, and still only the last files a turn wrote are read again.
 */
const RACY_MS = 20;
