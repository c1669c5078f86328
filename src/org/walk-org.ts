import { constants, fstatSync, lstatSync, openSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { closeQuietly, entryPath, openBase, openBeneath, type BeneathFailure, type Opened } from '../sandbox/beneath/open-beneath.js';
import { kindOf, UNBOUNDED, WalkBeneath, type PassedOver, type WalkBounds } from '../sandbox/beneath/walk-beneath.js';
import { workspaceBounds, type WorkspaceLimits } from '../sandbox/workspace-bounds.js';
import { LstatAhead, type EntryStat } from '../storage/stat-ahead.js';
import { isTemporaryName } from '../storage/temporary-files.js';
import { isMachineLocalState } from './state-gitignore.js';

/**
 * The org's files, as everything that records, copies or archives an org reads them (the history's
 * entries, export and backup, a check's view of a run): one walk, by the one walker of what agents
 * wrote (sandbox/beneath/walk-beneath.ts), and one rule of what belongs to the org.
 *
 * - The org is its folders (ORG_FOLDERS): its settings and record, its agents, its shared
 *   workspace. Anything else beside them (a `.git`, a person's notes, backups) is not the org.
 * - Left out wherever they are: the files that hold secrets (`.env`, `.env.*`), lemming's
 *   temporaries, and under `org/state/` the machine-local state (its .gitignore: the lock, the
 *   journal, caches, the history's own store).
 * - Only regular files and folders; a link, a pipe, a socket, a device or a nested `.git` is left out
 *   and named, never followed.
 * - Each workspace (an agent's, and the shared one) is walked within its bounds
 *   (sandbox/workspace-bounds.ts: its entries, depth, path length, and the apparent bytes of its
 *   files, one and all, at most its quota): what a command left past them is left out and named, so
 *   no reader of a workspace reads more than its limits say it may hold. The rest of the org is
 *   lemming's own writing (and a person's), walked without bounds of size.
 */

/** The folders an org is made of. */
export const ORG_FOLDERS = ['org', 'agents', 'workspace'] as const;

/** Why a path under the org's folders is not one of its files: what it is (a secret, machine-local, a temporary), or why the walker passed it over. */
export type LeftOutReason = 'secret' | 'machine-local' | 'temporary' | PassedOver['reason'];

/** A path left out of a walk of the org, and why. */
export interface LeftOut extends Omit<PassedOver, 'reason'> {
  /** From the org's root, with `/`. */
  path: string;
  reason: LeftOutReason;
}

/**
 * A file of the org opened to read: its descriptor (the caller's to close) and how many of its bytes
 * a reader takes, at most what the walk found and bounded; or why it was not opened. What the walk
 * met is looked at again through the descriptor, never by its name: a file swapped since for a pipe
 * or a device (which may never end) is refused (`ENOTREG`), and one that grew, or was swapped for a
 * larger one, is read no further than the size the walk found (within the workspace's bounds).
 */
export type OpenedFile = { fd: number; bytes: number } | BeneathFailure;

/** One file of the org, met by a walk. */
export interface OrgFile {
  /** From the org's root, with `/`. */
  path: string;
  name: string;
  /** What lstat said of it (on the look-ahead thread, for a file of lemming's own folders: walkFolder). */
  stat: EntryStat;
  /**
   * Open it to read, while the visit lasts, as the walk met it: from its folder held open (in a
   * workspace, where a command may swap a folder for a link), or by its path following no link at
   * its end (a file of lemming's own folders, named alone).
   */
  open(): OpenedFile;
}

/** What a walk of the org left out: the first LEFT_OUT_KEPT in the order met, and how many in all. */
export interface OrgWalk {
  leftOut: LeftOut[];
  leftOutCount: number;
  /** The files and folders whose `lstat` the look-ahead thread took (walkFolder); the rest the walk took on its own thread. */
  lookedAhead: number;
}

/** The bounds of a workspace: an agent's (its name), or the shared one (undefined). */
export type WorkspaceLimitsOf = (agent: string | undefined) => WorkspaceLimits;

/** How many left-out paths a walk names: its count says the rest. */
export const LEFT_OUT_KEPT = 100;

/** The rest of the org is lemming's own writing: no bound of size, but no deeper than a file system lets a path be. */
const ORG_BOUNDS: WalkBounds = UNBOUNDED;

/** `.env`, `.env.local`, …: the files that hold secrets, wherever they are. */
export function isSecretFile(name: string): boolean {
  return name === '.env' || name.startsWith('.env.');
}

/** Why an entry under the org's folders is left out by its name, or undefined. `parts` are from the org's root. Pure. */
export function leftOutByName(parts: readonly string[], isFolder: boolean): LeftOutReason | undefined {
  const name = parts.at(-1) ?? '';
  if (isSecretFile(name)) return 'secret';
  if (!isFolder && isTemporaryName(name)) return 'temporary';
  if (parts.length === 3 && parts[0] === 'org' && parts[1] === 'state' && isMachineLocalState(name, isFolder)) return 'machine-local';
  return undefined;
}

/** The workspace a path lies in (its parts from the root: `workspace`, or `agents/<name>/workspace`), or undefined. Pure. */
function workspaceOf(parts: readonly string[]): readonly string[] | undefined {
  if (parts[0] === 'workspace') return parts.slice(0, 1);
  if (parts[0] === 'agents' && parts.length >= 3 && parts[2] === 'workspace') return parts.slice(0, 3);
  return undefined;
}

/**
 * The bounds a walk starting at `parts` is held to: a workspace's, less the depth and path length
 * above the start inside it; elsewhere none of size. Pure.
 */
export function boundsAt(parts: readonly string[], limitsOf: WorkspaceLimitsOf): WalkBounds {
  const workspace = workspaceOf(parts);
  if (workspace === undefined) return ORG_BOUNDS;
  const bounds = workspaceBounds(limitsOf(workspace.length === 1 ? undefined : workspace[1]));
  const inside = parts.slice(workspace.length);
  if (inside.length === 0) return bounds;
  return { ...bounds, depth: bounds.depth - inside.length, pathBytes: bounds.pathBytes - Buffer.byteLength(`${inside.join('/')}/`) };
}

/**
 * Walk the org at `root`: `visit` is called with each of its files (as the module's comment says
 * which), and what is left out is named in the result. With `trees` (paths from the root, as parts:
 * what a watch saw change), only there, each within the bounds of the workspace it lies in; a tree
 * that is a file is visited alone, one that is gone adds nothing. `beforeFolder` is called with each
 * folder (from the root, with `/`) before it is listed.
 */
export function walkOrg(root: string, limitsOf: WorkspaceLimitsOf, visit: (file: OrgFile) => void, options: { trees?: Iterable<readonly string[]>; beforeFolder?: (relative: string) => void } = {}): OrgWalk {
  const result: OrgWalk = { leftOut: [], leftOutCount: 0, lookedAhead: 0 };
  const leave = (left: LeftOut): void => {
    result.leftOutCount += 1;
    if (result.leftOut.length < LEFT_OUT_KEPT) result.leftOut.push(left);
  };
  const trees = options.trees ?? ORG_FOLDERS.map((folder) => [folder]);
  // One taker for every start (a watch names some 400 after a turn of 200 busy agents), its workspaces emptied after each.
  const taker: Taker = { leave, visit, workspaces: [], walked: result, ...(options.beforeFolder ? { beforeFolder: options.beforeFolder } : {}) };
  const inWorkspace: Taker = { ...taker, workspaces: [] };
  for (const parts of trees) {
    if (!(ORG_FOLDERS as readonly string[]).includes(parts[0] ?? '')) continue;
    // An agent's workspace met outside one is walked on its own, within its bounds.
    walkFrom(root, parts, boundsAt(parts, limitsOf), taker);
    const workspaces = taker.workspaces.splice(0);
    for (const workspace of workspaces) walkFrom(root, workspace, boundsAt(workspace, limitsOf), inWorkspace);
  }
  return result;
}

/** Where a walk's findings go. */
interface Taker {
  leave: (left: LeftOut) => void;
  visit: (file: OrgFile) => void;
  /** The agents' workspaces met, for walks of their own. */
  workspaces: Array<readonly string[]>;
  beforeFolder?: (relative: string) => void;
  /** The walk's result, counting the looks the thread took. */
  walked: OrgWalk;
}

/** Opening a file of lemming's own folders by its path: never through a link at its end, never waiting on a pipe. */
const READ_BY_PATH = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Walk from `parts` below the root within `bounds`; a start that is a file is taken alone. In a
 * workspace every part is opened from the folder before it (a command may have swapped one for a
 * link); a start in lemming's own folders (an outbox, a log, the record: what a watch names after
 * each turn, some thousands of files) is looked at by its path, one lstat, as no command can reach them.
 */
function walkFrom(root: string, parts: readonly string[], bounds: WalkBounds, taker: Taker): void {
  const path = parts.join('/');
  const byName = leftOutByName(parts, true);
  if (byName !== undefined) return taker.leave({ path, reason: byName });
  // A start past its workspace's bounds (what a watch named down there): left out as a walk of the workspace would leave it
  // (boundsAt took the start's own path and depth off the bounds: a folder that deep is passed over, and what is in it).
  if (bounds.pathBytes < -1) return taker.leave({ path, reason: 'path' });
  if (bounds.depth < -1) return taker.leave({ path, reason: 'depth' });
  if (workspaceOf(parts) === undefined) return walkOwnStart(root, parts, path, bounds, taker);
  const parent = openBase(parts.length === 1 ? root : join(root, ...parts.slice(0, -1)));
  if ('code' in parent) return;
  try {
    const name = parts.at(-1) as string;
    const stat = lstatSync(entryPath(parent.fd, name), { throwIfNoEntry: false });
    if (stat === undefined) return;
    const kind = kindOf(stat);
    if (kind === 'file') return takeFile(taker, parts, path, stat, () => asWalked(openBeneath(parent.fd, [name], { kind: 'file' }), stat.size), bounds);
    if (kind !== 'folder') return taker.leave({ path, reason: kind });
    if (bounds.depth < 0) return taker.leave({ path, reason: 'depth' });
    walkFolder(root, parts, bounds, taker);
  } finally {
    closeQuietly(parent.fd);
  }
}

/**
 * A start in lemming's own folders (walkFrom), looked at by opening it by its path, following no link
 * at its end and never waiting on a pipe, then `fstat` of the descriptor: the walk's lstat and the
 * reader's open in one, the file's bytes then read through the descriptor the walk met it by (its
 * `open`, while the visit lasts). A watch names some 400 such files after each turn of 200 busy agents,
 * nearly all changed: an lstat each before they were opened took a fifth of an entry's time on the
 * engine's thread. A name that cannot be opened is looked at as before, by lstat: a link (`ELOOP`), a
 * socket (`ENXIO`), a file it may not read. A pipe is opened without waiting and closed unread; so
 * would a device node be, which only root can make and no command reaches in these folders (the
 * workspaces, where commands write, are walked from their folders, never opened by name).
 */
function walkOwnStart(root: string, parts: readonly string[], path: string, bounds: WalkBounds, taker: Taker): void {
  const full = ownPath(root, path);
  // A name left out if it is a file (a temporary; the lock or the journal, machine-local) is not opened to be left out.
  const opened = leftOutByName(parts, false) === undefined ? openByPath(full) : undefined;
  if (opened !== undefined && 'code' in opened && GONE.has(opened.code)) return;
  let held = opened !== undefined && 'fd' in opened ? opened.fd : undefined;
  let stat: Stats | undefined;
  if (held !== undefined) {
    try {
      stat = fstatSync(held);
    } catch {
      closeQuietly(held);
      held = undefined;
    }
  }
  try {
    stat ??= lstatSync(full, { throwIfNoEntry: false });
    if (stat === undefined) return;
    const kind = kindOf(stat);
    if (kind === 'file') {
      const walked = stat;
      // The descriptor the walk met it by, once; a second open is by the path again, as a reader after the walk opens it.
      const open = (): OpenedFile => {
        if (held === undefined) return asWalked(openByPath(full), walked.size);
        const fd = held;
        held = undefined;
        return { fd, bytes: walked.size };
      };
      return takeFile(taker, parts, path, stat, open, bounds);
    }
    if (kind !== 'folder') return taker.leave({ path, reason: kind });
    const folder = held;
    held = undefined;
    return walkFolder(root, parts, bounds, taker, folder);
  } finally {
    if (held !== undefined) closeQuietly(held);
  }
}

/** What an open of a name says when nothing is there to look at: gone, or a folder on its way is no longer one. */
const GONE: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR']);

/**
 * The path of `relative` (parts from the org's root, with `/`: a walk's or a watch's names, never
 * empty, `.` or `..`) below the root, as `join` gives it, without `join`'s copy of the path a part at a
 * time (some 1 KB of garbage a call: a call for each file an entry of the history reads). Pure.
 */
function ownPath(root: string, relative: string): string {
  return root.endsWith('/') ? root + relative : `${root}/${relative}`;
}

/** A file of lemming's own folders, opened by its path (see walkFrom). */
function openByPath(path: string): Opened {
  try {
    return { fd: openSync(path, READ_BY_PATH) };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code ?? 'EIO', part: 0 };
  }
}

/** What was opened, as the walk found it (see OpenedFile): a regular file, read no further than `walkedBytes`. */
function asWalked(opened: Opened, walkedBytes: number): OpenedFile {
  if ('code' in opened) return opened;
  let stat: Stats;
  try {
    stat = fstatSync(opened.fd);
  } catch (error) {
    closeQuietly(opened.fd);
    return { code: (error as NodeJS.ErrnoException).code ?? 'EIO', part: 0 };
  }
  if (!stat.isFile()) {
    closeQuietly(opened.fd);
    // Not an errno: what is there now is not the regular file the walk met.
    return { code: 'ENOTREG', part: 0 };
  }
  return { fd: opened.fd, bytes: Math.min(stat.size, walkedBytes) };
}

/**
 * Open a file a walk of the org found (`path` from the root, with `/`), after the walk, by the walk's
 * rule: in a workspace from the workspace's folder one part at a time, following no link (a command
 * may have swapped a folder on the way for a link to anywhere); in lemming's own folders by its path,
 * following no link at its end. Then as OpenedFile says, no further than the `walkedBytes` it had.
 */
export function openWalkedFile(root: string, path: string, walkedBytes: number): OpenedFile {
  const parts = path.split('/');
  const workspace = workspaceOf(parts);
  if (workspace === undefined) return asWalked(openByPath(ownPath(root, path)), walkedBytes);
  const base = openBase(join(root, ...workspace));
  if ('code' in base) return base;
  try {
    return asWalked(openBeneath(base.fd, parts.slice(workspace.length), { kind: 'file' }), walkedBytes);
  } finally {
    closeQuietly(base.fd);
  }
}

/** A file named as a start of its own: taken as a walk would take it. */
function takeFile(taker: Taker, parts: readonly string[], path: string, stat: Stats, open: () => OpenedFile, bounds: WalkBounds): void {
  const byName = leftOutByName(parts, false);
  if (byName !== undefined) return taker.leave({ path, reason: byName });
  if (stat.size > bounds.fileBytes) return taker.leave({ path, reason: 'file-bytes', size: stat.size });
  taker.visit({ path, name: parts.at(-1) as string, stat, open });
}

/** Walk a folder whole: `held`, its descriptor when the caller opened it already (walkOwnStart), is the walk's to close. */
function walkFolder(root: string, parts: readonly string[], bounds: WalkBounds, taker: Taker, held?: number): void {
  const opened = held === undefined ? openBase(join(root, ...parts)) : { fd: held };
  // Found, then gone or swapped for a link since: nothing to take.
  if ('code' in opened) return;
  const prefix = `${parts.join('/')}/`;
  const inWorkspace = workspaceOf(parts) !== undefined;
  const walk = new WalkBeneath(
    opened.fd,
    bounds,
    (entry) => {
      // What the walker passed over is in its report, said below with the rest.
      if (entry.passed !== undefined) return undefined;
      const fromRoot = [...parts, ...entry.parts];
      const isFolder = entry.stat.isDirectory();
      const byName = leftOutByName(fromRoot, isFolder);
      if (byName !== undefined) {
        taker.leave({ path: prefix + entry.path, reason: byName });
        return 'skip';
      }
      if (isFolder && !inWorkspace && workspaceOf(fromRoot)?.length === fromRoot.length) {
        taker.workspaces.push(fromRoot);
        return 'skip';
      }
      if (!isFolder) taker.visit({ path: prefix + entry.path, name: entry.name, stat: entry.stat, open: () => asWalked(openBeneath(entry.folder, [entry.name], { kind: 'file' }), entry.stat.size) });
      return undefined;
    },
    {
      ...(taker.beforeFolder ? { beforeFolder: (inside: readonly string[]) => taker.beforeFolder?.(inside.length === 0 ? parts.join('/') : prefix + inside.join('/')) } : {}),
      // No command writes in lemming's own folders (a workspace met in one is walked on its own, from its folder): looked at by path, as a start there is,
      // and a folder of many entries (an outbox) looked at on two cores, the thread's lstats from its last entry back.
      ...(inWorkspace ? {} : { byPath: ownPath(root, parts.join('/')), lstatsAhead: LstatAhead.of }),
    },
  );
  try {
    walk.run();
  } catch {
    // The start cannot be listed (not ours to read): it adds nothing.
  } finally {
    closeQuietly(opened.fd);
  }
  taker.walked.lookedAhead += walk.report.lookedAhead;
  for (const passed of walk.report.passed) taker.leave({ ...passed, path: prefix + passed.path });
  // Past the first the walker names, only counted.
  for (let more = walk.report.passedCount - walk.report.passed.length; more > 0; more -= 1) taker.leave({ path: prefix, reason: 'entries' });
}

/** The bytes of the org's files, as an export carries them: what a history's entries are bounded by (history/history-limits.ts). */
export function orgFilesBytes(root: string, limitsOf: WorkspaceLimitsOf): number {
  let bytes = 0;
  walkOrg(root, limitsOf, (file) => {
    bytes += file.stat.size;
  });
  return bytes;
}
