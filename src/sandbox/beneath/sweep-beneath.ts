import { unlinkSync } from 'node:fs';
import { isLeftoverTemporary } from '../../storage/temporary-files.js';
import { closeQuietly, entryPath, openBase } from './open-beneath.js';
import { walkBeneath } from './walk-beneath.js';

/**
 * Remove the temporaries that processes now gone left anywhere in a workspace (the agent's or the
 * shared one). A command may swap any folder of it with a link to a folder outside while the sweep
 * goes, so the walk holds each folder open and names every entry through it (walk-beneath.ts): a
 * folder swapped for a link is refused, never entered, and nothing outside the workspace is
 * removed, whatever it is named. A missing or unreadable workspace has none. Returns how many were
 * removed.
 */
export function sweepWorkspaceTemporaries(path: string): number {
  const base = openBase(path);
  if ('code' in base) return 0;
  let removed = 0;
  try {
    walkBeneath(base.fd, { recursive: true }, (entry) => {
      if (!entry.stat.isFile() || !isLeftoverTemporary(entry.name)) return undefined;
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
