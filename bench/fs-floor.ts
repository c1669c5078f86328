import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure, type Figure } from './stats.js';

/** What the file system alone takes for the file work of a turn of N agents, with no engine. */
export interface Floor {
  /** One small file written in each of N folders as the engine writes a message: temporary file, then rename. */
  write: Figure;
  /** One stat of each of the N folders, as a turn looks at each outbox once. */
  stat: Figure;
  /** Both, run by run: the floor a turn of N agents is compared with. */
  total: Figure;
}

/**
 * The file system's own floor for a turn of N agents, timed on the same storage just
 * before the engine runs there. No engine could do a turn of N messages faster than this.
 */
export function fileSystemFloor(base: string, folders: number, runs = 5): Floor {
  const root = mkdtempSync(join(base, 'lemming-floor-'));
  try {
    for (let index = 0; index < folders; index += 1) mkdirSync(join(root, String(index)));
    const writes: number[] = [];
    const stats: number[] = [];
    const body = 'x'.repeat(600);
    for (let run = 0; run < runs; run += 1) {
      let start = performance.now();
      for (let index = 0; index < folders; index += 1) {
        const path = join(root, String(index), `${run}.md`);
        writeFileSync(`${path}.tmp`, body);
        renameSync(`${path}.tmp`, path);
      }
      writes.push(performance.now() - start);
      start = performance.now();
      for (let index = 0; index < folders; index += 1) statSync(join(root, String(index)));
      stats.push(performance.now() - start);
    }
    return { write: figure(writes), stat: figure(stats), total: figure(writes.map((ms, run) => ms + (stats[run] ?? 0))) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
