import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { closeQuietly, entryPath, heldPath, openBeneath } from './open-beneath.js';

/** One entry met by a walk: where it is below the start, what lstat said of it, and its folder, held open while the visit lasts. */
export interface WalkedEntry {
  /** The parts below the start folder, the entry's own name last. */
  parts: readonly string[];
  name: string;
  stat: Stats;
  /** The folder holding it, open: read the entry with openBeneath(folder, [name], …). */
  folder: number;
}

/** A folder below the start that could not be opened or listed, and the errno it met. */
export interface UnreadableFolder {
  parts: readonly string[];
  code: string;
}

/**
 * Walk the folder held as `start` breadth-first, each folder's entries in name order, following no
 * link: every folder is opened by openBeneath from the start, so a folder swapped for a link while
 * the walk goes is refused, never entered. `visit` sees each entry that `skip` lets through and
 * returns `stop` to end the walk; folders are entered when `recursive`. A folder that cannot be
 * opened or listed is in `unreadable`, so no caller claims a whole listing when it is not; the
 * start's own failure is thrown. At most one folder is held open at a time besides the start.
 */
export function walkBeneath(
  start: number,
  options: { recursive: boolean; skip?: (name: string) => boolean },
  visit: (entry: WalkedEntry) => 'stop' | undefined,
): { unreadable: UnreadableFolder[] } {
  const unreadable: UnreadableFolder[] = [];
  const queue: Array<readonly string[]> = [[]];
  while (queue.length > 0) {
    const parts = queue.shift() as readonly string[];
    const opened = parts.length === 0 ? { fd: start } : openBeneath(start, parts, { kind: 'folder' });
    if ('code' in opened) {
      unreadable.push({ parts, code: opened.code });
      continue;
    }
    try {
      let names: string[];
      try {
        names = readdirSync(heldPath(opened.fd)).sort();
      } catch (error) {
        if (parts.length === 0) throw error;
        unreadable.push({ parts, code: (error as NodeJS.ErrnoException).code ?? 'EIO' });
        continue;
      }
      for (const name of names) {
        if (options.skip?.(name)) continue;
        const stat = lstatSync(entryPath(opened.fd, name), { throwIfNoEntry: false });
        if (stat === undefined) continue;
        const entryParts = [...parts, name];
        if (visit({ parts: entryParts, name, stat, folder: opened.fd }) === 'stop') return { unreadable };
        if (options.recursive && stat.isDirectory()) queue.push(entryParts);
      }
    } finally {
      if (opened.fd !== start) closeQuietly(opened.fd);
    }
  }
  return { unreadable };
}
