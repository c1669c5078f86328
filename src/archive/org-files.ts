import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { isMachineLocalState } from '../org/state-gitignore.js';
import { isTemporaryName } from '../storage/temporary-files.js';

/**
 * The folders an org is made of (see the org root in the design): its settings and record,
 * its agents, its shared workspace. Anything else in the folder (a git checkout's `.git`,
 * `node_modules`, a person's own notes, backups) is not the org and does not travel with it.
 */
export const ORG_FOLDERS = ['org', 'agents', 'workspace'] as const;

/** Why a file under the org folders stays behind. */
export type LeftOutReason = 'secret' | 'machine-local' | 'temporary' | 'not a file';

/** What goes into an export: paths relative to the root, with `/`, sorted. */
export interface OrgFileList {
  files: string[];
  leftOut: Array<{ path: string; reason: LeftOutReason }>;
}

/** `.env`, `.env.local`, …: the files that hold secrets, wherever they are. */
export function isSecretFile(name: string): boolean {
  return name === '.env' || name.startsWith('.env.');
}

/**
 * Every file of the org under `root` that an export carries: the org folders, less the secret
 * files, the engine's machine-local state (org/state's .gitignore: the lock, the turn journal,
 * `cache/` with the search index and folder hints), lemming's temporaries, and anything that is
 * not a regular file or folder (a link is never followed out of the org).
 */
export function listOrgFiles(root: string): OrgFileList {
  const list: OrgFileList = { files: [], leftOut: [] };
  for (const folder of ORG_FOLDERS) walk(root, folder, list);
  list.files.sort();
  return list;
}

/** The bytes of the files an export carries (`listOrgFiles`): what a history's entries are bounded by (history/history-limits.ts). */
export function orgFilesBytes(root: string): number {
  return listOrgFiles(root).files.reduce((sum, file) => sum + lstatSync(join(root, file)).size, 0);
}

function walk(root: string, relative: string, list: OrgFileList): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, relative), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw error;
  }
  const inState = relative === 'org/state';
  for (const entry of entries) {
    const path = `${relative}/${entry.name}`;
    const reason = leftOutReason(entry, inState);
    if (reason) list.leftOut.push({ path, reason });
    else if (entry.isDirectory()) walk(root, path, list);
    else list.files.push(path);
  }
}

function leftOutReason(entry: Dirent, inState: boolean): LeftOutReason | undefined {
  if (!entry.isDirectory() && !entry.isFile()) return 'not a file';
  if (entry.isFile() && isSecretFile(entry.name)) return 'secret';
  if (entry.isFile() && isTemporaryName(entry.name)) return 'temporary';
  if (inState && isMachineLocalState(entry.name, entry.isDirectory())) return 'machine-local';
  return undefined;
}
