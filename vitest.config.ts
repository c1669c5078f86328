import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/*
 * Test files that only call lemming's modules in this process (no CLI, no server, no browser),
 * and change no global state (process.env, listeners on process, V8 flags, the heap they
 * measure). They run in the `shared` project: one worker process runs many of them, loading
 * lemming's modules once, where a file of its own costs a new Node process and a fresh load of
 * the engine's few hundred modules (about 0.7 s of CPU a file on this 2-core machine).
 */
const SHARED_FOLDERS = ['tests/unit', 'tests/integration'];
/** Files in SHARED_FOLDERS that need a process of their own, and why. */
const ISOLATED_AMONG_SHARED = [
  // Turn on --expose-gc and measure the heap: another file's garbage would be counted.
  'tests/unit/call-trace.test.ts',
  'tests/unit/front-matter-fast.test.ts',
  // Listens for the process's warnings: another file's warnings would be counted.
  'tests/integration/abort-listeners.test.ts',
  // Its first test pins the process's set of secrets while still empty; another file's run registers keys.
  'tests/unit/secrets.test.ts',
  // Fakes the clock for the one timer its module keeps for the whole process: a timer another file made first runs on the real clock.
  'tests/unit/waiting-notices.test.ts',
];
const SHARED = SHARED_FOLDERS.flatMap((folder) =>
  // Relative to this file, not the current folder: vitest may be started from anywhere with --config.
  readdirSync(fileURLToPath(new URL(folder, import.meta.url)), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `${folder}/${name}`),
).filter((file) => !ISOLATED_AMONG_SHARED.includes(file));

export default defineConfig({
  test: {
    // A timeout only catches a test that hangs; it must not fail one that a busy machine slows
    // down. Under `npm test` on 2 cores shared with other CPU-heavy jobs, tests that spawn the
    // CLI several times took up to 35 s; the cap leaves room for several times that.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Vitest's default is one file fewer than the cores: one at a time on 2 cores. Most files spend
    // their time waiting on processes they started (the CLI, bwrap, redis-server, Chromium), so one
    // file per core keeps both cores busy.
    maxWorkers: Math.max(2, availableParallelism()),
    // Every file: removes the temporary folders a test made (tests/helpers/temp-dirs.ts).
    setupFiles: ['tests/helpers/setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: SHARED, isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
          exclude: [...SHARED, 'node_modules/**'],
        },
      },
    ],
  },
});
