import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../errors.js';
import { HISTORY_REF } from './history-paths.js';

/**
 * The files of a history store that git opens by name whenever it runs there, with what a valid one
 * holds. git opens each without asking what it is: a named pipe in its place (a hand edit, a hostile
 * workspace's neighbour) made `git rev-parse` wait for a writer that never came, and `lemming run`
 * with it, in silence.
 */
const READ_BY_GIT: ReadonlyArray<{ path: string; valid: string }> = [
  { path: 'HEAD', valid: '"ref: refs/heads/main"' },
  { path: 'config', valid: 'the settings `git init --bare` writes' },
  { path: 'packed-refs', valid: 'the refs git packed, a line each' },
  { path: HISTORY_REF, valid: "the commit id of the history's last entry (40 hex digits)" },
  { path: 'shallow', valid: 'commit ids, a line each' },
  { path: 'commondir', valid: 'a folder path' },
  { path: 'info/grafts', valid: 'commit ids, a line each' },
  { path: 'objects/info/alternates', valid: 'object folders, a line each' },
];

/** What a file that is not a regular one is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * Refuse a store where a file git opens by name is there and is not a regular file: git would wait on a
 * pipe or a device for ever, or follow a link out of the store. A few lstat calls, before every git
 * run on the store (git.ts, fast-import.ts). Throws a `history-store` error naming the file and what it
 * should hold.
 */
export function refuseOddStoreFiles(gitDir: string): void {
  for (const { path, valid } of READ_BY_GIT) {
    const file = join(gitDir, path);
    let stats: Stats;
    try {
      stats = lstatSync(file);
    } catch {
      continue;
    }
    if (stats.isFile()) continue;
    throw new LemmingError('history-store', `${file} is ${kindOf(stats)}, not a regular file: git would wait on it or follow it, so the history is not read or written. It should be a regular file holding ${valid}; remove it or put one back`);
  }
}
