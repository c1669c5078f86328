import { isMachineLocalState } from '../org/state-gitignore.js';
import { HISTORY_BUNDLE_NAME, MANIFEST_NAME } from './manifest.js';
import { ORG_FOLDERS } from './org-files.js';
import { WORKSPACE_DEPTH, WORKSPACE_PATH_BYTES } from '../sandbox/workspace-bounds.js';
import { formatCount } from '../format/format.js';

/** The kinds of tar entry an export holds: files and folders (a link could point out of the org). */
const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/**
 * What is wrong with an archive entry, or undefined when an import may write it: it must be a
 * file or a folder, at a relative path with no `..` (which could climb out of the new root), under
 * one of the org's folders, or the manifest or the history's bundle. Never the engine's
 * machine-local state (org/state/.gitignore's names: the lock, the journal, `cache/`, `history.git/`),
 * which no export writes: a git directory unpacked from an archive would be read by the `git` the
 * history writer runs each turn, and its config names programs git runs (core.fsmonitor on every
 * `git add`). A history travels as a bundle instead (history/history-bundle.ts). Within the bounds
 * a workspace is read in (sandbox/workspace-bounds.ts): no export writes a path nested deeper or
 * longer below a workspace (its walk passes such paths over), and no other folder of an org nests
 * as deep, so a chain of folders an archive carries past them is refused before anything is written. Pure.
 */
export function entryProblem(path: string, type: string): string | undefined {
  if (path.includes('\0')) return 'has a NUL byte in its name';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.startsWith('\\')) return 'is an absolute path';
  const parts = path.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return 'climbs out of the folder with `..`';
  if (!ALLOWED_TYPES.has(type)) return `is a ${type}, not a file or a folder`;
  const top = parts[0];
  if (top === undefined) return type === 'Directory' ? undefined : 'has no name';
  if (parts.length === 1 && (top === MANIFEST_NAME || top === HISTORY_BUNDLE_NAME) && type !== 'Directory') return undefined;
  if (!(ORG_FOLDERS as readonly string[]).includes(top)) return `is outside the org's folders (${ORG_FOLDERS.join('/, ')}/)`;
  // Below a workspace (agents/<name>/workspace/, workspace/), or the whole path for the org's other folders.
  const below = top === 'workspace' ? parts.slice(1) : top === 'agents' && parts[2] === 'workspace' ? parts.slice(3) : parts;
  if (below.length > WORKSPACE_DEPTH + 1) return `is nested deeper than a workspace may hold (${WORKSPACE_DEPTH} folders)`;
  if (Buffer.byteLength(below.join('/')) > WORKSPACE_PATH_BYTES) return `has a path longer than a workspace may hold (${formatCount(WORKSPACE_PATH_BYTES)} bytes)`;
  const stateName = top === 'org' && parts[1] === 'state' ? parts[2] : undefined;
  if (stateName !== undefined && isMachineLocalState(stateName, parts.length > 3 || type === 'Directory')) {
    return `is machine-local state, which no export writes (a history travels as ${HISTORY_BUNDLE_NAME}, never as org/state/history.git)`;
  }
  return undefined;
}

/**
 * The bits of a file's mode an archive carries, in and out: read, write and execute for owner,
 * group and others (0o777). Never setuid, setgid or sticky: lemming may run as root, where a
 * setuid file it unpacked or packed would be a root program handed to whoever can run it.
 */
export const PERMISSION_BITS = 0o777;

/** `mode` with only its permission bits, its file type (if any) kept. Pure. */
export function permissionsOnly(mode: number): number {
  return mode & (~0o7777 | PERMISSION_BITS);
}
