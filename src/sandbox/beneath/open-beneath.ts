import { closeSync, constants, lstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { leadsOutside, openedOutside } from '../../storage/inside-root.js';
import { handOver, type FileOwner } from './hand-over.js';

/**
 * The one way lemming's host-side code opens a path beneath a workspace that a command may be
 * changing while it looks (the file tools, the disk quota's walk, the clearing of setuid bits).
 *
 * A command can swap any folder of its workspace with a symbolic link at any instant (renameat2
 * with RENAME_EXCHANGE), so checking a path part by part and then opening it by name is a race it
 * wins, and O_NOFOLLOW guards only the last part. Node has no openat(), but a folder held open as
 * descriptor N is named to the kernel, exactly and without re-resolving anything, by the magic
 * link `/proc/self/fd/N`: opening `/proc/self/fd/N/<part>` with O_NOFOLLOW resolves one name
 * inside that very folder, and refuses a link. So a path is walked from the workspace's
 * descriptor one part at a time, each part opened with O_NOFOLLOW (folders also O_DIRECTORY), and
 * everything after (lstat, readdir, create, rename, unlink, chmod) names an entry of a held folder
 * the same way. No link is followed at any part below the workspace, whatever it points at; a link
 * met is refused. Checking each opened descriptor's real path instead (readlink of
 * /proc/self/fd/N) would catch a read after the fact but not a file created outside: a write's
 * temporary would already be there. The cost is one open per part, as the lstat per part that the
 * check cost before, and no realpath.
 */

/** Opening a folder below a held one: never through a link, never a file. */
const FOLDER = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** Opening a file to read: never through a link, and without waiting on a pipe. */
const FILE = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Why a path could not be opened: the errno, and which part met it (0 is the first part below the base; -1 the base itself). */
export interface BeneathFailure {
  code: string;
  part: number;
}

/** An open descriptor, or why there is none. */
export type Opened = { fd: number } | BeneathFailure;

/**
 * The kernel's name for the entry `name` of the folder held open as `folder`: it is looked up in
 * that folder and nowhere else. `name` is one part (no `/`, not `.` or `..`): anything else would
 * walk on by name, which is the race this module exists to avoid.
 */
export function entryPath(folder: number, name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw new Error(`not one part of a path: ${JSON.stringify(name)}`);
  return `/proc/self/fd/${folder}/${name}`;
}

/** The kernel's name for the folder held open as `folder` itself (to list it). */
export function heldPath(folder: number): string {
  return `/proc/self/fd/${folder}`;
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EIO';
}

/** Close a descriptor, quietly: it is being let go after a failure, or was closed already. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing more to do.
  }
}

/**
 * The code of a base that `within` refuses: the folder, once opened, lies outside the org (it, or a
 * folder on its way, is a link that leads out). Not an errno: the callers word it (LEADS_OUTSIDE).
 */
export const LEADS_OUT = 'LEADS_OUT';

/**
 * Open a workspace folder itself (the agent's or the shared one), or an agent's memory: the org's
 * own folder, which no command can rename (it is a mount point inside the sandbox), so its path is
 * opened as it is. A link inside the org is followed; with `within` (the org's root), a folder that
 * lies outside it once opened is refused (LEADS_OUT, storage/inside-root.ts): an org cloned with
 * `agents/coder/workspace` linked to `~/.ssh` must not show a model those files. With `make`, a
 * missing one is made, and not where a link on its way leads out.
 */
export function openBase(path: string, options: { make?: boolean; within?: string } = {}): Opened {
  const held = (fd: number): Opened => {
    if (options.within === undefined || !openedOutside(options.within, fd, path)) return { fd };
    closeQuietly(fd);
    return { code: LEADS_OUT, part: -1 };
  };
  try {
    return held(openSync(path, constants.O_RDONLY | constants.O_DIRECTORY));
  } catch (error) {
    if (codeOf(error) !== 'ENOENT' || !options.make) return { code: codeOf(error), part: -1 };
  }
  if (options.within !== undefined && leadsOutside(options.within, dirname(path))) return { code: LEADS_OUT, part: -1 };
  try {
    mkdirSync(path, { recursive: true });
    return held(openSync(path, constants.O_RDONLY | constants.O_DIRECTORY));
  } catch (error) {
    return { code: codeOf(error), part: -1 };
  }
}

/**
 * Open `parts` below the folder held as `from`, one part at a time from the folder before it,
 * following no link: the path's last part as a folder (`kind: 'folder'`) or as a file to read
 * (`kind: 'file'`: a pipe is opened without waiting, for the caller to refuse). With
 * `makeFolders`, a missing folder on the way is made (and given to `owner`, see hand-over.ts). `from`
 * stays open; the descriptor returned is the caller's to close. No parts: a new descriptor of `from`.
 */
export function openBeneath(from: number, parts: readonly string[], how: { kind: 'folder' | 'file'; makeFolders?: boolean; owner?: FileOwner }): Opened {
  let current = from;
  const letGo = (): void => {
    if (current !== from) closeQuietly(current);
  };
  if (parts.length === 0) {
    try {
      return { fd: openSync(heldPath(from), FOLDER & ~constants.O_NOFOLLOW) };
    } catch (error) {
      return { code: codeOf(error), part: -1 };
    }
  }
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index] as string;
    const last = index === parts.length - 1;
    const flags = last && how.kind === 'file' ? FILE : FOLDER;
    let next: number;
    try {
      next = openSync(entryPath(current, part), flags);
    } catch (error) {
      const code = refined(codeOf(error), current, part, flags);
      if (code !== 'ENOENT' || !how.makeFolders || flags !== FOLDER) {
        letGo();
        return { code, part: index };
      }
      try {
        next = makeFolder(current, part, how.owner);
      } catch (again) {
        letGo();
        return { code: codeOf(again), part: index };
      }
    }
    letGo();
    current = next;
  }
  return { fd: current };
}

/**
 * The kernel says ENOTDIR for a link opened as a folder without following it: say ELOOP for a
 * link, as a file opened so says, so that every caller words "a link" one way. What is there by
 * the time we look may have changed again (a command swapping it back and forth): only a regular
 * file found there keeps ENOTDIR; anything else was a link, or was swapped, when it was opened.
 */
function refined(code: string, folder: number, name: string, flags: number): string {
  if (code !== 'ENOTDIR' || flags !== FOLDER) return code;
  return lstatSync(entryPath(folder, name), { throwIfNoEntry: false })?.isFile() ? code : 'ELOOP';
}

/** Make the folder `name` in the held folder, and open it as any other (a link put there meanwhile is refused). */
function makeFolder(folder: number, name: string, owner: FileOwner | undefined): number {
  let made = true;
  try {
    mkdirSync(entryPath(folder, name));
  } catch (error) {
    // Another writer made it first: open what is there, as any folder, and leave it as it is.
    if (codeOf(error) !== 'EEXIST') throw error;
    made = false;
  }
  const fd = openSync(entryPath(folder, name), FOLDER);
  if (made) handOver(fd, owner);
  return fd;
}
