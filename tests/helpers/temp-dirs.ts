import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * The temporary folders the tests made, removed after each test by tests/helpers/setup.ts (a
 * vitest setup file, run for every test file). The hook lives there rather than here because a
 * module's top-level afterEach is registered only by the first test file that imports it, and in
 * the `shared` project (vitest.config.ts) test files share one worker's loaded modules.
 */
const made: string[] = [];

/** A fresh temporary folder (under `base`, the system's temporary folder by default), removed after the test. */
export function tempDir(prefix = 'lemming-test-', base = tmpdir()): string {
  const directory = mkdtempSync(join(base, prefix));
  made.push(directory);
  return directory;
}

/** Remove every folder `tempDir` made (the setup file's afterEach). */
export function removeTempDirs(): void {
  while (made.length > 0) rmSync(made.pop() as string, { recursive: true, force: true });
}
