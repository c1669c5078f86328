import { accessSync, constants, mkdtempSync, rmSync, statfsSync } from 'node:fs';
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
 * The machine's RAM disk where it has one (/dev/shm), else the system's temporary folder: for a
 * test whose org holds thousands of files, where what is tested is not the disk. On this machine's
 * disk (ext4, mounted with `discard`) writing, copying and removing such an org cost a test
 * several times the system CPU it costs in memory, and far more time while other files write.
 */
export const RAM_DISK = roomyRamDisk() ?? tmpdir();

/** /dev/shm when it is there, writable and has room for these orgs (a container's is often 64 MB): 2 GiB free. */
function roomyRamDisk(): string | undefined {
  try {
    accessSync('/dev/shm', constants.W_OK);
    const { bavail, bsize } = statfsSync('/dev/shm');
    return bavail * bsize >= 2 * 1024 ** 3 ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh temporary folder (in `parent`, the system's temporary folder by default), removed after the test. */
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
