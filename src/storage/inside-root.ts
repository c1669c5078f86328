import { readlinkSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { forgetAtNextCommand } from '../invocation.js';

/*
 * Whether what lemming opened in an org lies inside the org. An org is a folder people copy, clone
 * and unpack: a file or a folder of it may be a symbolic link, and one that leads out of the org
 * (`org/lists/team.yaml` to `/etc/shadow`, `agents/coder/memory` to `~/.ssh`) would put the host's
 * files into prompts sent to a model server. A link that stays inside the org is the org's own
 * business and is followed; one that leads out is refused by every reader of the org's files, as
 * the file's own problem, naming it.
 *
 * What was opened is judged by its descriptor, not by its path: `/proc/self/fd/N` names the file
 * the kernel opened, every link on the way already followed, so nothing swapped after the open
 * changes the answer and no walk of the path is needed (one system call a file).
 */

/** The org's root with every link on its way followed; undefined when it cannot be resolved. Kept for the command. */
const realRoots = new Map<string, string | undefined>();
forgetAtNextCommand(() => realRoots.clear());

function realRootOf(root: string): string | undefined {
  if (realRoots.has(root)) return realRoots.get(root);
  let real: string | undefined;
  try {
    real = realpathSync(root);
  } catch {
    real = undefined;
  }
  if (realRoots.size > 1_000) realRoots.clear();
  realRoots.set(root, real);
  return real;
}

/** Whether the real path `real` is `root`'s real path or below it. */
function beneath(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith('/') ? realRoot : `${realRoot}/`);
}

/**
 * Whether the file or folder held open as `descriptor` (opened by the path `path`) lies outside the
 * folder `root`: a link on the way to it led out. False when that cannot be told (no /proc, and the
 * path gone): the reader then reads as it did.
 */
export function openedOutside(root: string, descriptor: number, path: string): boolean {
  const realRoot = realRootOf(root);
  if (realRoot === undefined) return false;
  let real: string;
  try {
    real = readlinkSync(`/proc/self/fd/${descriptor}`);
  } catch {
    try {
      real = realpathSync(path);
    } catch {
      return false;
    }
  }
  return !beneath(real, realRoot);
}

/** Whether `path`, every link on its way followed, lies outside `root`; false when it does not exist. For a folder lemming lists by name. */
export function leadsOutside(root: string, path: string): boolean {
  return whereOutside(root, path) !== undefined;
}

/** Where `path` lies, every link on its way followed, when that is outside `root`; undefined when it is inside, or does not exist. */
export function whereOutside(root: string, path: string): string | undefined {
  const realRoot = realRootOf(root);
  if (realRoot === undefined) return undefined;
  try {
    const real = realpathSync(path);
    return beneath(real, realRoot) ? undefined : real;
  } catch {
    return undefined;
  }
}

/**
 * Whether `path`, a folder of the org, lies where its path says below the org's real root: every link
 * on its way followed, it is the same place. A name listed in it as a folder (not a link), and a file
 * in that which is not a link, then lie in the org with nothing more asked (storage/look-ahead.ts, FolderReads).
 */
export function liesAsWritten(root: string, path: string): boolean {
  const realRoot = realRootOf(root);
  if (realRoot === undefined) return false;
  try {
    return realpathSync(path) === join(realRoot, relative(root, path));
  } catch {
    return false;
  }
}

/** The real path of `root` with a trailing slash, for a reader on another thread to compare descriptors' paths with; undefined when it cannot be resolved. */
export function realRootPrefix(root: string): string | undefined {
  const real = realRootOf(root);
  return real === undefined ? undefined : real.endsWith('/') ? real : `${real}/`;
}

/** Why a file or folder of the org that leads out of it is not read, in the words every reader uses (after its name). */
export const LEADS_OUTSIDE = 'is a symbolic link (or lies below one) that leads out of the org, so lemming does not read it: an org reads only its own files; put the file or folder itself here';
