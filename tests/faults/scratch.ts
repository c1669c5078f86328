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
 * temp-org's is), so tests that run concurrently keep their folders. In `parent` (the system's
 * temporary folder by default).
 */
export function scratchDir(prefix = 'lemming-fault-', parent = tmpdir()): string {
  const directory = mkdtempSync(join(parent, prefix));
  made.push(directory);
  return directory;
}
