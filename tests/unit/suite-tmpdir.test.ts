import { spawnSync } from 'node:child_process';
import { statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { expect, test } from 'vitest';
import { ramDiskTmpdir } from '../helpers/suite-tmpdir.js';
import { tempDir } from '../helpers/temp-dirs.js';

/** The magic number statfs gives a tmpfs (linux/magic.h): memory, not a disk. */
const TMPFS_MAGIC = 0x01021994;

/*
 * The suite's temporary folders are on the RAM disk where it has room (vitest.config.ts, tests/helpers/suite-tmpdir.ts):
 * the test's own, tempDir's, and those of the processes a test starts, which inherit TMPDIR.
 */
test.skipIf(ramDiskTmpdir() === undefined)('a test, its tempDir and a process it starts all make their temporary files in the run\'s folder on the RAM disk', () => {
  const folder = tmpdir();
  expect(folder).toMatch(/^\/dev\/shm\/lemming-suite-\d+$/);
  // There, and as /tmp is: anyone may make files in it, and remove only their own.
  expect(statSync(folder).mode & 0o7777).toBe(0o1777);
  expect(statfsSync(folder).type).toBe(TMPFS_MAGIC);
  expect(dirname(tempDir())).toBe(folder);
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' });
  expect(child.stdout).toBe(folder);
});
