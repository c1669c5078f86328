import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // A timeout only catches a test that hangs; it must not fail one that a busy machine slows
    // down. Under `npm test` on 2 cores shared with other CPU-heavy jobs, tests that spawn the
    // CLI several times took up to 35 s; the cap leaves room for several times that.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Vitest's default is one file fewer than the cores: one at a time on 2 cores. Most files spend
    // their time waiting on processes they started (the CLI, bwrap, redis-server, Chromium), so one
    // file per core keeps both cores busy.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
