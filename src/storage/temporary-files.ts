import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { threadId } from 'node:worker_threads';
import { isRunning } from '../process-liveness.js';

/**
 * lemming's temporary files, and only they, are named `.<name>.lemming-<pid>-<thread>-<n>.tmp`, beside the
 * file they become: a name no person or model gives a file by chance (`write_file` refuses it,
 * listings skip it), so a sweep that removes this pattern never removes anyone's work. The pid
 * says whose it is: a sweep leaves the temporary of a process still running (an `approve` or a
 * `send` at that moment) to it. The thread's number keeps two threads of one process (the trace
 * writer, engines racing for a lock in a test, commands a test runs in its own process) from writing
 * one temporary: each counts on its own, and a sweep leaves another thread's to it.
 */
const TEMPORARY_NAME = /^\.(.+)\.lemming-(\d+)-(\d+)(?:-(\d+))?\.tmp$/;

/** Shown to a model that tries to write such a name. */
export const TEMPORARY_NAME_SHAPE = '.<name>.lemming-<pid>-<thread>-<n>.tmp';

const marker = `.lemming-${process.pid}-${threadId}-`;
let counter = 0;

/** A new temporary for `path` (a whole path, so no join is needed): beside it, or in `folder` when given. */
export function temporaryPathFor(path: string, folder?: string): string {
  counter += 1;
  const slash = path.lastIndexOf(sep);
  return `${folder === undefined ? path.slice(0, slash + 1) : `${folder}${sep}`}.${path.slice(slash + 1)}${marker}${counter}.tmp`;
}

/** The file a temporary was to become (its path with `.<name>.lemming-….tmp` made `<name>`); any other path as it is. */
export function fileMeant(path: string): string {
  const slash = path.lastIndexOf(sep);
  const name = path.slice(slash + 1);
  const meant = name.endsWith('.tmp') ? TEMPORARY_NAME.exec(name)?.[1] : undefined;
  return meant === undefined ? path : `${path.slice(0, slash + 1)}${meant}`;
}

/** Whether a file name is one of lemming's temporaries. */
export function isTemporaryName(name: string): boolean {
  return name.endsWith('.tmp') && TEMPORARY_NAME.test(name);
}

/**
 * Whether the process that named something after its pid (a temporary, a sandbox's cgroup) still
 * runs (process-liveness.ts: a zombie or a process given the pid later does not). Our own pid with
 * this thread's number (or none) is an earlier process of the same number: this thread has made none
 * when it sweeps. Our own pid with another thread's number is that thread's, at work beside this one
 * (the trace writer; commands a test runs in threads of its process, tests/helpers/cli.ts).
 */
export function ownerRunning(pid: number, thread?: number): boolean {
  if (pid === process.pid) return thread !== undefined && thread !== threadId;
  return isRunning(pid);
}

/** Whether `name` is a temporary whose process (or thread of this one) is gone, which a sweep may remove. */
export function isLeftoverTemporary(name: string): boolean {
  const match = name.endsWith('.tmp') ? TEMPORARY_NAME.exec(name) : null;
  // `.lemming-<pid>-<thread>-<n>.tmp`; names of older lemmings, `.lemming-<pid>-<n>.tmp`, say no thread.
  return match !== null && !ownerRunning(Number(match[2]), match[4] === undefined ? undefined : Number(match[3]));
}

/**
 * Remove the temporaries that processes now gone left in `folder` (and, with `recursive`, in
 * every folder under it, never following a link). A folder that is missing or cannot be read
 * has none to remove. Returns how many were removed. For lemming's own folders only: it walks by
 * name, so a folder a command can change while it walks (a workspace) is swept by
 * sandbox/beneath/sweep-beneath.ts instead.
 */
export function sweepTemporaries(folder: string, options: { recursive?: boolean } = {}): number {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (options.recursive) removed += sweepTemporaries(join(folder, entry.name), options);
      continue;
    }
    if (!isLeftoverTemporary(entry.name)) continue;
    try {
      unlinkSync(join(folder, entry.name));
      removed += 1;
    } catch {
      // Gone already, or the folder cannot be changed: the next start tries again.
    }
  }
  return removed;
}

/**
 * A new empty folder of lemming's own under the system's temporary folder
 * (`/tmp/lemming-<purpose>-<pid>-XXXXXX`), mode 0700, for work that is not the org's (a turn the
 * dashboard shows, materialised from the history; a check's view of a run): its maker removes it
 * when done, and one a process now gone left is removed by the next `sweepTemporaryFolders` of its
 * purpose. Never beside the org's files, so no sweep or export of the org sees it.
 */
export function temporaryFolder(purpose: string): string {
  return mkdtempSync(join(tmpdir(), `lemming-${purpose}-${process.pid}-`));
}

/**
 * Remove a temporary folder (temporaryFolder) and all it holds, whatever that is: a check runs code an
 * agent may have written in it, and a chain of folders deeper than PATH_MAX there made Node's own
 * removal fail by name (ENAMETOOLONG) and the check's scoring with it. Such a tree is removed by `rm`,
 * which walks from descriptors. A folder that cannot be removed is left for the next sweep.
 */
export function removeTemporaryFolder(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    spawnSync('rm', ['-rf', '--one-file-system', '--', path], { stdio: 'ignore' });
  }
}

/** Remove the temporary folders of `purpose` (temporaryFolder) that processes now gone left behind (killed in the middle of their work). Returns how many. */
export function sweepTemporaryFolders(purpose: string): number {
  const prefix = `lemming-${purpose}-`;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const owner = /^(\d+)-[^-]+$/.exec(name.slice(prefix.length))?.[1];
    // This process's own are in use (two runs' checks at once): only one that is gone left some behind.
    if (owner === undefined || Number(owner) === process.pid || ownerRunning(Number(owner))) continue;
    removeTemporaryFolder(join(tmpdir(), name));
    // Not ours to remove (another user's), or gone already: left as it is.
    if (!existsSync(join(tmpdir(), name))) removed += 1;
  }
  return removed;
}

/** The purposes this process has swept (sweepTemporaryFoldersOnce). */
const swept = new Set<string>();

/**
 * `sweepTemporaryFolders`, at most once a process for each purpose: for work a process does many
 * times (a check for each of blame's forks, a turn the dashboard shows), where each sweep is a listing
 * of the system's temporary folder. Leftovers appear only when a process is killed; the next
 * process's first sweep finds them.
 */
export function sweepTemporaryFoldersOnce(purpose: string): void {
  if (swept.has(purpose)) return;
  swept.add(purpose);
  sweepTemporaryFolders(purpose);
}
