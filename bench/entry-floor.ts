import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { orgPath } from '../src/history/stored-path.js';
import { figure, type Figure } from './stats.js';

const REPEATS = 15;

/**
 * The least any history that keeps each turn's files whole (git's objects are) pays for an entry,
 * in the bench's own process with no module of lemming's but its rule for where the history stores a
 * file: an `lstat`, a read and a SHA-1 of every file the org's last entry changed, as they stand now. Nothing is compressed or written: git's
 * own work comes on top (in a process of its own, on the other core). The entry names each file where
 * the history stores it (a file named for a turn under `~n/`, history/stored-path.ts): it is read where
 * the org has it. `read`: the files read (those the entry removed are not there).
 */
export function entryFloor(root: string): { files: number; read: number; mb: number; ms: Figure } {
  const gitDir = join(root, 'org', 'state', 'history.git');
  const env = { ...process.env, GIT_DIR: gitDir, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const changed = execFileSync('git', ['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', '--no-renames', 'main~1', 'main'], { env, encoding: 'utf8' })
    .split('\0')
    .filter((path) => path !== '')
    .map(orgPath);
  const times: number[] = [];
  let bytes = 0;
  let read = 0;
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    bytes = 0;
    read = 0;
    const start = performance.now();
    for (const path of changed) {
      const file = join(root, path);
      try {
        lstatSync(file);
        const data = readFileSync(file);
        bytes += data.length;
        read += 1;
        createHash('sha1').update(`blob ${data.length}\0`).update(data).digest();
      } catch {
        // Removed by the entry: nothing to read.
      }
    }
    times.push(performance.now() - start);
  }
  return { files: changed.length, read, mb: bytes / (1024 * 1024), ms: figure(times) };
}
