import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Make `folder` and the folders above it that are missing, as `mkdir -p` does, one name at a time
 * from the highest missing one down, and say the first refusal with the system's code and the path
 * it refused. Node's `mkdirSync(…, { recursive: true })` spins forever where a folder exists and
 * refuses new names with ENOENT (`/proc/self/x`: it takes the ENOENT for a missing parent, finds the
 * parent there, and asks again); here each name is asked for once, so the work is bounded by the
 * path's depth. A name made meanwhile by another process (EEXIST) is taken as made.
 */
export function makeFolders(folder: string): void {
  const missing: string[] = [];
  for (let path = resolve(folder); !existsSync(path); path = dirname(path)) {
    missing.push(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
