import { lstatSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { forgetAtNextCommand } from '../invocation.js';
import { whereOutside } from '../storage/inside-root.js';
import { leadsOutError, leadsOutReason } from '../storage/storage-error.js';

/*
 * The folders lemming keeps an agent's own files in, `agents/<name>/` and below: its outbox, its
 * notes and memory stream (with the stream's vectors and recalls), its logs and call traces. A person
 * may make one a symbolic link, and one that stays inside the org is the org's own business; one that
 * leads out of it would have lemming write what an agent wrote (a note under a name it chose, its
 * mail, its memories) into a folder of the host's, read the host's files back as the agent's, and let
 * `lemming reset` empty it. So each agent's folders are looked at once a command, lazily, by the first
 * reader or writer of them (an agent that is never touched costs nothing), and one that leads out
 * stops the command as a failure of the org's own storage (StorageError, LEADS_OUT_ERRNO), naming it.
 * Workspaces are the tools' (tools/workspace/): a tool refuses a workspace that leads out, as its result.
 */

/** An agent's folders below `agents/<name>`, each after the one it lies in (engine/record/state-paths.ts, memory/memory-paths.ts). */
const OWN_FOLDERS = ['outbox', 'memory', 'memory/stream', 'memory/vectors', 'memory/recalled', 'logs', 'logs/traces'] as const;

/** A folder of the org that leads out of it: the folder, relative to the root, and where it leads. */
export interface FolderOutside {
  folder: string;
  leadsTo: string;
}

/** What the look at each agent's folders found this command, by root and name (undefined: none leads out). */
const looked = new Map<string, FolderOutside | undefined>();
forgetAtNextCommand(() => looked.clear());

/**
 * Stop, with the StorageError that names it, when a folder lemming keeps the agent's own files in
 * leads out of the org at `root`. Looked at once a command: the first reader or writer of an agent's
 * folders pays a few `lstat`s, every later one a look-up.
 */
export function requireOwnFolders(root: string, agent: string): void {
  const outside = lookedAt(root, agent);
  if (outside) throw leadsOutError(root, outside.folder, outside.leadsTo);
}

/** ownFolderOutside, once a command for each agent. */
export function lookedAt(root: string, agent: string): FolderOutside | undefined {
  const key = `${root}\u0000${agent}`;
  if (looked.has(key)) return looked.get(key);
  const outside = ownFolderOutside(root, agent);
  if (looked.size >= 200_000) looked.clear();
  looked.set(key, outside);
  return outside;
}

/**
 * The first of the agent's folders (`agents/<name>` itself, then each of OWN_FOLDERS after the one it
 * lies in) that is a symbolic link leading out of the org, or undefined: an `lstat` each, and a
 * look where a link leads only for a link. A missing folder hides nothing below it; a link that stays
 * inside the org is followed to the folders below it.
 */
export function ownFolderOutside(root: string, agent: string): FolderOutside | undefined {
  const directory = `agents/${agent}`;
  const missing = new Set<string>();
  for (const folder of [directory, ...OWN_FOLDERS.map((below) => `${directory}/${below}`)]) {
    if (missing.has(dirname(folder))) {
      missing.add(folder);
      continue;
    }
    const outside = folderOutside(root, folder);
    if (outside === 'missing') missing.add(folder);
    else if (outside !== undefined) return outside;
  }
  return undefined;
}

/**
 * Whether `folder` (relative to `root`) leads out of the org: where it leads when it does,
 * `'missing'` when there is nothing there, undefined when it is the org's own.
 */
function folderOutside(root: string, folder: string): FolderOutside | 'missing' | undefined {
  const path = resolve(root, folder);
  let stat;
  try {
    stat = lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (stat === undefined) return 'missing';
  if (!stat.isSymbolicLink()) return undefined;
  // A link that leads nowhere is left to the writer: mkdir makes no folder through it, and a write through it fails.
  const leadsTo = whereOutside(root, path);
  return leadsTo === undefined ? undefined : { folder, leadsTo };
}

/**
 * What `lemming validate` says of the agent's folders, looked at as a run would: one of the folders
 * lemming keeps its files in that leads out of the org is an error (a run stops there), its workspace
 * leading out a warning (its file tools refuse it, and no command is given it).
 */
export function ownFolderProblems(root: string, agent: string): Problem[] {
  const problems: Problem[] = [];
  const own = lookedAt(root, agent);
  if (own) problems.push({ file: own.folder, message: leadsOutReason(own.folder, own.leadsTo), severity: 'error' });
  const workspace = own?.folder === `agents/${agent}` ? undefined : workspaceOutside(root, `agents/${agent}/workspace`);
  if (workspace) problems.push(workspace);
  return problems;
}

/** A workspace (an agent's, or the shared `workspace`) that leads out of the org, as `lemming validate` says it: a warning. */
export function workspaceOutside(root: string, folder: string): Problem | undefined {
  const outside = folderOutside(root, folder);
  if (outside === undefined || outside === 'missing') return undefined;
  return {
    file: folder,
    message: `is a symbolic link (or lies below one) to ${outside.leadsTo}, outside the org: the file tools refuse it and no command is given it; replace it with a folder (\`rm ${folder} && mkdir ${folder}\`, moving in what you mean to keep)`,
    severity: 'warning',
  };
}
