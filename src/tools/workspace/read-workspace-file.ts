import { fstatSync } from 'node:fs';
import { join, relative } from 'node:path';
import { closeQuietly, LEADS_OUT, openBase, openBeneath } from '../../sandbox/beneath/open-beneath.js';
import { readHeld, type HeldRead } from '../../sandbox/beneath/read-beneath.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import type { Agent } from '../../org/org.js';
import { displayParts, resolveWorkspacePath, type WorkspacePath } from './workspace-path.js';

/**
 * Why a file of a workspace was not read, for the caller to word: the path broke the rules
 * (`error` says how), a part of it is missing or is a link (`at` names the path up to that part),
 * the workspace folder itself leads out of the org (`at` names it from the org's root), or it is a
 * folder or not a regular file (a pipe, a device).
 */
export type WorkspaceRefusal =
  | { refused: 'path'; error: string }
  | { refused: 'missing' | 'link' | 'outside'; at: string; place: WorkspacePath }
  | { refused: 'folder' | 'not-file'; at: string; place: WorkspacePath };

/** A file read from a workspace: where it is, and its text (cut at the cap when `truncated`). */
export interface WorkspaceRead {
  place: WorkspacePath;
  read: HeldRead;
}

/**
 * Read a file of the agent's workspace (or the shared one, `shared/...`) by the `read_file` tool's
 * rules, for the tool and for the dashboard alike: the path resolved by resolveWorkspacePath (no
 * `..`, nothing absolute), then opened from the workspace's folder part by part, following no link
 * (sandbox/beneath/open-beneath.ts), so nothing outside the workspace is reached however its
 * folders are swapped meanwhile. At most `maxBytes` are read. A failure of the file system other
 * than a missing part or a link is thrown (a full or read-only disk as a storage failure).
 */
export function readWorkspaceFile(root: string, agent: Agent, path: string, maxBytes: number): WorkspaceRead | WorkspaceRefusal {
  const place = resolveWorkspacePath(root, agent, path, 'read');
  if ('error' in place) return { refused: 'path', error: place.error };
  const base = openBase(place.base, { within: root });
  if ('code' in base) {
    if (base.code === 'ENOENT') return { refused: 'missing', at: place.display, place };
    if (base.code === LEADS_OUT) return { refused: 'outside', at: relative(root, place.base), place };
    throw fileSystemError(place, base.code, 0);
  }
  try {
    if (place.parts.length === 0) return { refused: 'folder', at: place.display, place };
    const opened = openBeneath(base.fd, place.parts, { kind: 'file' });
    if ('code' in opened) {
      const at = displayParts(place, opened.part + 1);
      if (opened.code === 'ENOENT') return { refused: 'missing', at, place };
      if (opened.code === 'ELOOP') return { refused: 'link', at, place };
      throw fileSystemError(place, opened.code, opened.part + 1);
    }
    try {
      if (fstatSync(opened.fd).isDirectory()) return { refused: 'folder', at: place.display, place };
      const read = readHeld(opened.fd, maxBytes);
      if (read === undefined) return { refused: 'not-file', at: place.display, place };
      return { place, read };
    } finally {
      closeQuietly(opened.fd);
    }
  } finally {
    closeQuietly(base.fd);
  }
}

/** The file system's error, named by the part that met it; a full or read-only disk is thrown as a storage failure. */
function fileSystemError(place: WorkspacePath, code: string, parts: number): Error {
  const error = Object.assign(new Error(`${code}: ${displayParts(place, parts)}`), { code, path: join(place.base, ...place.parts.slice(0, parts)) });
  throwIfStorageFailure(error);
  return error;
}
