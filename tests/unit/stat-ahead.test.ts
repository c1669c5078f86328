import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { STAT_AHEAD_FROM, StatAhead, type LookedStat } from '../../src/storage/stat-ahead.js';
import { tempDir } from '../helpers/org-files.js';

/** What a loop needs of a stat, from `statSync` or from the thread alike. */
function seen(stat: LookedStat | undefined): unknown {
  return stat && { mtimeMs: stat.mtimeMs, size: stat.size, file: stat.isFile(), folder: stat.isDirectory() };
}

function errorOf(take: () => unknown): string | undefined {
  try {
    take();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

/** A long list of paths of every kind a loop meets: files of different sizes, a folder, a pipe, nothing there, a path through a file. */
function mixedPaths(): string[] {
  const root = tempDir('lemming-stat-ahead-');
  const kinds: string[] = [];
  for (let index = 0; index < 50; index += 1) {
    const file = join(root, `file-${index}.md`);
    writeFileSync(file, 'x'.repeat(index * 7));
    kinds.push(file);
  }
  mkdirSync(join(root, 'folder'));
  execFileSync('mkfifo', [join(root, 'pipe')]);
  kinds.push(join(root, 'folder'), join(root, 'pipe'), join(root, 'missing.md'), join(root, 'file-1.md', 'under-a-file'));
  return Array.from({ length: STAT_AHEAD_FROM + 500 }, (_, index) => kinds[(index * 13) % kinds.length] as string);
}

describe('stats taken on two cores (storage/stat-ahead.ts)', () => {
  test('every answer is the one statSync gives, wherever it was taken: size, time, kind, nothing there, and the same error', async () => {
    const paths = mixedPaths();
    let fromThread = 0;
    // The thread starts at the first long list; a loop that finds it has done nothing yet takes every path itself, so look until it took part.
    for (let attempt = 0; attempt < 20 && fromThread === 0; attempt += 1) {
      const ahead = StatAhead.of(paths);
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      paths.forEach((path, index) => {
        const own = errorOf(() => statSync(path, { throwIfNoEntry: false }));
        if (own !== undefined) {
          expect({ path, code: errorOf(() => ahead.get(index)) }).toEqual({ path, code: own });
          return;
        }
        const stat = ahead.get(index);
        if (stat !== undefined && !(stat instanceof Object.getPrototypeOf(statSync(path)).constructor)) fromThread += 1;
        expect({ path, stat: seen(stat) }).toEqual({ path, stat: seen(statSync(path, { throwIfNoEntry: false })) });
      });
      ahead.done();
    }
    // The thread answered for some of them (from the end of the list), not the loop alone.
    expect(fromThread).toBeGreaterThan(0);
  });

  test('a short list is stat-ed by the loop, with no thread and nothing shared', () => {
    const paths = mixedPaths().slice(0, 60);
    const ahead = StatAhead.of(paths);
    paths.forEach((path, index) => {
      if (errorOf(() => statSync(path, { throwIfNoEntry: false })) !== undefined) return;
      const stat = ahead.get(index);
      expect(stat === undefined || stat instanceof Object.getPrototypeOf(statSync(paths[0] as string)).constructor).toBe(true);
    });
    ahead.done();
  });
});
