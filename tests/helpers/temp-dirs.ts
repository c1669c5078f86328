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

/**
 * A fresh temporary folder (in `parent`, the temporary folder by default: on the RAM disk in the
 * suite, vitest.config.ts), removed after the test.
 */
export function tempDir(prefix = 'lemming-test-', parent = tmpdir()): string {
  const directory = mkdtempSync(join(parent, prefix));
  made.push(directory);
  return directory;
}

/** Remove every folder `tempDir` made (the setup file's afterEach). */
export function removeTempDirs(): void {
  // An engine's history writer finishes its last entry after close() returns, until the promise close() returns
  // resolves; a test that does not await it may leave git writing into org/state/ as the folder is removed
  // (ENOTEMPTY), so the removal is tried again while it ends.
  while (made.length > 0) rmSync(made.pop() as string, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
}
