import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure, type Figure } from './stats.js';

/**
 * The file system's own floor for a turn of N agents: N small files written as the
 * engine writes a message (temporary file, then rename), one per folder, timed on
 * the same storage just before the engine runs there. No engine could do a turn of
 * N messages faster than this.
 */
export function fileSystemFloor(base: string, files: number, runs = 5): Figure {
  const root = mkdtempSync(join(base, 'lemming-floor-'));
  try {
    for (let index = 0; index < files; index += 1) mkdirSync(join(root, String(index)));
    const times: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const start = performance.now();
      for (let index = 0; index < files; index += 1) {
        const path = join(root, String(index), `${run}.md`);
        writeFileSync(`${path}.tmp`, 'x'.repeat(600));
        renameSync(`${path}.tmp`, path);
      }
      times.push(performance.now() - start);
    }
    return figure(times);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
