import { leftOutByName, ORG_FOLDERS, walkOrg, type LeftOut, type OpenedFile, type WorkspaceLimitsOf } from '../org/walk-org.js';

/**
 * A recorded file as the walk saw it: enough to tell, without reading it, that it has not changed.
 * Its stamp is kept as the numbers the walk found (size, times, inode), not as text: an entry compares
 * some 400 of them with the known files' after each turn of 200 busy agents, held as numbers there too
 * (known-file-table.ts), and two texts built and one parsed a file were a third of the comparison's own
 * time and most of its garbage. `stampText` and `renamedText` give the text where one is kept.
 */
export interface FileStamp {
  /** `100644` or `100755`, as git records it. */
  mode: string;
  /** Its size in bytes when walked. */
  size: number;
  /** Its times of writing and of change (ms) and its inode: with its size and mode, changed by any write, an atomic replace (a new inode) or a chmod. */
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** Written within the clock's grain of the walk (RACY_MS): its stamp proves nothing, and it is read again next time (git's "racy" files). */
  racy: boolean;
  /** Its bytes and their id, when the walk read them through the descriptor it met the file by (`take`). */
  read?: ReadBytes;
  /**
   * Set by `take` when the file is known with this very stamp (known-files.ts readAsWalked): the comparison after
   * the walk takes it as unchanged without finding its slot again (once a file of 215,000 at a process's first entry).
   */
  unchanged?: true;
}

/** A file's bytes, read whole as the walk found it, and git's id of them as a blob. */
export interface ReadBytes {
  data: Buffer;
  oid: string;
}

/** A stamp as text: `racy` (one that never matches), or size, times and inode joined by `:` (KnownFile.stamp). Pure. */
export function stampText(seen: FileStamp): string {
  return seen.racy ? 'racy' : `${seen.size}:${seen.mtimeMs}:${seen.ctimeMs}:${seen.ino}`;
}

/**
 * What a rename keeps of a stamp (size, time of writing, inode), racy or not: a record's file moved
 * whole to a piece is known by it as the bytes an entry read before (known-files.ts). Pure.
 */
export function renamedText(seen: FileStamp): string {
  return `${seen.size}:${seen.mtimeMs}:${seen.ino}`;
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
  /** The files and folders whose `lstat` the look-ahead thread took (org/walk-org.ts). */
  lookedAhead: number;
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
 * made after the listing. `take` is called with each file as the walk meets it, with the file's
 * `open` (walk-org.ts: the descriptor the walk met it by, by the walk's rule): what it reads is kept
 * with the file's stamp (`read`), so an entry opens a file it reads once, not again after the walk; `null`, that it is
 * known unchanged (`unchanged`); undefined, neither (the comparison after the walk looks).
 */
export function walkRecordedFiles(
  root: string,
  limitsOf: WorkspaceLimitsOf,
  startedMs = Date.now(),
  options: { scope?: WalkScope; beforeFolder?: (relative: string) => void; take?: (path: string, seen: FileStamp, open: () => OpenedFile) => ReadBytes | null | undefined } = {},
): RecordedWalk {
  const files = new Map<string, FileStamp>();
  const { scope, beforeFolder, take } = options;
  const trees = scope ? startsOf(scope.trees) : undefined;
  const racyFrom = startedMs - RACY_MS;
  const walked = walkOrg(
    root,
    limitsOf,
    ({ path, stat, open }) => {
      const seen: FileStamp = {
        mode: stat.mode & 0o100 ? '100755' : '100644',
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        ctimeMs: stat.ctimeMs,
        ino: stat.ino,
        // Written within the clock's grain of this walk: a second write of the same size could keep these
        // times, so the stamp is one that never matches, and the file is read again next time (git's "racy" files).
        racy: stat.mtimeMs >= racyFrom || stat.ctimeMs >= racyFrom,
      };
      const read = take?.(path, seen, open);
      if (read) seen.read = read;
      else if (read === null) seen.unchanged = true;
      files.set(path, seen);
    },
    { ...(trees ? { trees } : {}), ...(beforeFolder ? { beforeFolder } : {}) },
  );
  return { files, leftOut: walked.leftOut, leftOutCount: walked.leftOutCount, lookedAhead: walked.lookedAhead };
}

/** Where a walk of `trees` starts: each tree not under another (walked with it) and in the history at all, as its parts. Pure. */
function startsOf(trees: ReadonlySet<string>): string[][] {
  const starts: string[][] = [];
  for (const tree of trees) {
    if (underAnother(tree, trees)) continue;
    const parts = tree.split('/');
    if (recordedParts(parts)) starts.push(parts);
  }
  return starts;
}

/** Whether a folder above `path` is one of `trees`. Pure. */
function underAnother(path: string, trees: ReadonlySet<string>): boolean {
  for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
    if (trees.has(path.slice(0, end))) return true;
  }
  return false;
}

/**
 * Whether a path a watch names is in the history at all: under a recorded folder, and no name on
 * its way left out by name (org/state/history.git, the cache, `.env`). Pure.
 */
export function recorded(path: string): boolean {
  return recordedParts(path.split('/'));
}

/** recorded, of a path's parts. Pure. */
function recordedParts(parts: readonly string[]): boolean {
  if (!(ORG_FOLDERS as readonly string[]).includes(parts[0] ?? '')) return false;
  // Each folder on its way, as one array grown a part at a time (a copy of the parts for each was garbage for each name a watch gave).
  const folder = parts.slice(0, 1);
  for (let index = 1; index < parts.length - 1; index += 1) {
    folder.push(parts[index] as string);
    if (leftOutByName(folder, true) !== undefined) return false;
  }
  return true;
}

/**
 * Within this many ms before a walk, a file's times do not prove it unchanged: the kernel stamps
 * files from a clock that moves in ticks (up to 10 ms), so a second write in the tick of the first
 * could keep them. Twice a tick: a margin, and still only the last files a turn wrote are read again.
 */
const RACY_MS = 20;
