import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEveryFile } from '../helpers/file-hooks.js';

const made: string[] = [];
afterEveryFile(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/**
 * A temporary folder kept until the file's tests are done (not after each test, as
 * temp-org's is), so tests that run concurrently keep their folders.
 */
export function scratchDir(prefix = 'lemming-fault-'): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  made.push(directory);
  return directory;
}
