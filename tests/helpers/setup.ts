import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, expect } from 'vitest';
import { fileEnded, testEnded } from './file-hooks.js';
import { removeTempDirs } from './temp-dirs.js';

// Every test file's setup (vitest.config.ts setupFiles): kept tiny, since it runs before each file.
// What a test started (servers, engines) is closed before its folders are removed: a server's close
// saves its message index into its org, which would make the removed folders again.
afterEach(async () => {
  try {
    await testEnded();
  } finally {
    removeTempDirs();
  }
});
afterAll(fileEnded);

/*
 * LEMMING_TEST_CPU=<file>: append a line per test file, `file<TAB>cpu seconds<TAB>wall seconds`,
 * the CPU being this process's and that of every process it started and waited for (the CLI,
 * bwrap, Chromium, redis-server), from loading the file to its end. On a machine shared with other
 * work the wall time says little; the CPU time is the work a file costs (docs/contributing.md).
 */
const cpuLog = process.env.LEMMING_TEST_CPU;
if (cpuLog) {
  // utime, stime, cutime, cstime of /proc/self/stat, in clock ticks (100 a second on Linux).
  const ticks = (): number => {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 15)
      .reduce((sum, value) => sum + Number(value), 0);
  };
  const startTicks = ticks();
  const startMs = Date.now();
  afterAll(() => {
    const file = expect.getState().testPath ?? 'unknown';
    appendFileSync(cpuLog, `${file}\t${((ticks() - startTicks) / 100).toFixed(2)}\t${((Date.now() - startMs) / 1000).toFixed(1)}\n`);
  });
}
