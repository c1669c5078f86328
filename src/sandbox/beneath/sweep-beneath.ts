import { unlinkSync } from 'node:fs';
import { isLeftoverTemporary } from '../../storage/temporary-files.js';
import { DEFAULT_MAX_FILES, WORKSPACE_DEPTH, WORKSPACE_PATH_BYTES } from '../workspace-bounds.js';
import { closeQuietly, entryPath, openBase } from './open-beneath.js';
import { UNBOUNDED, walkBeneath } from './walk-beneath.js';

/**
 * Remove the temporaries that processes now gone left anywhere in a workspace (the agent's or the
 * shared one). A command may swap any folder of it with a link to a folder outside while the sweep
 * goes, so the walk holds each folder open and names every entry through it (walk-beneath.ts): a
 * folder swapped for a link is refused, never entered, and nothing outside the workspace is
 * removed, whatever it is named. Within a workspace's bounds of shape and count (workspace-bounds.ts):
 * a workspace of a million empty files costs a start no more than one of a hundred thousand. A
 * missing or unreadable workspace has none. Returns how many were removed.
 */
export function sweepWorkspaceTemporaries(root: string, path: string): number {
  // A workspace that leads out of the org at `root` is not swept: what is in it is no temporary of lemming's.
  const base = openBase(path, { within: root });
  if ('code' in base) return 0;
  let removed = 0;
  try {
    walkBeneath(base.fd, { ...UNBOUNDED, depth: WORKSPACE_DEPTH, pathBytes: WORKSPACE_PATH_BYTES, entries: DEFAULT_MAX_FILES }, (entry) => {
      if (entry.passed !== undefined || !entry.stat.isFile() || !isLeftoverTemporary(entry.name)) return undefined;
      try {
        unlinkSync(entryPath(entry.folder, entry.name));
        removed += 1;
      } catch {
        // Gone already, or the folder cannot be changed: the next sweep tries again.
      }
      return undefined;
    });
  } catch {
    // The workspace itself cannot be listed: it has nothing this sweep can remove.
  } finally {
    closeQuietly(base.fd);
  }
  return removed;
}
