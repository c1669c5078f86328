import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { PATIENCE_MS } from './tests/helpers/patience.js';
import { ramDiskTmpdir } from './tests/helpers/suite-tmpdir.js';

/*
 * Which test files share a worker process. Most files call lemming's modules in their own process,
 * run the CLI in-process (tests/helpers/cli.ts) or start processes of their own, and change nothing
 * in their process that a later file would see: they run in the `shared` project, where one worker
 * process runs many files and loads vitest, the helpers and lemming's modules (and the CLI's thread)
 * once, where a file of its own costs a new Node process and a fresh load of them all (about half a
 * second of CPU a file on this 2-core machine). A file runs alone (`isolated`) when it says why
 * below: by its folder (ISOLATED_FOLDERS), by name (ISOLATED_FILES), or by what its text does to
 * its process (OWN_PROCESS), which also catches a file added tomorrow.
 */
const TEST_FILE = /\.test\.tsx?$/;

/** Folders whose files each need a process of their own. */
const ISOLATED_FOLDERS = [
  // A Chromium per file, and pages measured for what they load.
  'tests/web/browser/',
  // A redis-server per file, and workers and engines that must stop with it. (tests/service/ shares: its
  // files serve, signal and stop processes of their own, and the one with a Redis says so in its text.)
  'tests/queue/',
];

/** Files that need a process of their own, and why (beyond what OWN_PROCESS finds in their text). */
const ISOLATED_FILES = [
  // Requires every command module and counts what a fresh process loads.
  'tests/e2e/startup.test.ts',
  // Builds dist/ afresh in a copy and times it.
  'tests/e2e/build.test.ts',
  // Fakes the clock for the one timer its module keeps for the whole process: a timer another file made first runs on the real clock.
  'tests/unit/waiting-notices.test.ts',
  // Its first test pins the process's set of secrets while still empty; another file's run registers keys.
  'tests/unit/secrets.test.ts',
  // Makes the process's first sandbox cgroup, when the sweep of leftovers runs (once per process).
  'tests/sandbox/stale-cgroups.test.ts',
  // Counts every node:fs call the process makes during a turn (tests/helpers/fs-work.ts), with bounds of a few
  // calls: an earlier file's work still finishing in the process would be counted. (The rest of tests/perf/
  // count their own objects, a child's system calls or a child's heap, and share a process.)
  'tests/perf/scaling.test.ts',
];

/** What a file does to its process that a later file in it would see. */
const OWN_PROCESS = [
  // The environment, the folder, the process's listeners and warnings.
  /process\.env(\.\w+|\[[^\]]+\])\s*=[^=]/,
  /delete process\.env/,
  /process\.chdir\(/,
  /process\.(on|once|addListener|prependListener)\(/,
  // Modules, globals and the clock faked; V8's flags and the heap, measured.
  /vi\.(mock|doMock|stubGlobal|stubEnv|useFakeTimers)\(/,
  /--expose-gc|setFlagsFromString|memoryUsage\(\)/,
  // The process's one set of secrets, pinned.
  /registerSecret\(/,
  // A browser or a Redis of its own.
  /chromiumForSuite|launchChromium|queueTestKit|lostJobKit|redisServer|startRedis\(/,
];

/*
 * Where the tests' temporary folders are. Every file's TMPDIR is a folder of the RAM disk
 * (tests/helpers/suite-tmpdir.ts: where /dev/shm has room, else the system's temporary folder), but for
 * the files below, whose subject is the file system a workspace lies on: they keep the system's
 * temporary folder, on the disk where users keep their orgs, in the `disk` project (a process each).
 */
const ON_DISK = [
  // The quota's glances are statfs counts of the workspace's whole file system: on the RAM disk every other
  // file's orgs share those counts, and the 200,000-file blinding ended past its bound there (stop 82).
  'tests/sandbox/adversary-quota-blind.test.ts',
  // /proc/self/mountinfo gives a mount's source relative to the root of its file system: the org's full
  // path only where that is `/`, as on the disk; under /dev/shm the test finds no line naming the org.
  'tests/sandbox/adversary-host-paths.test.ts',
];

const root = fileURLToPath(new URL('.', import.meta.url));
const ALL = readdirSync(new URL('tests', import.meta.url), { recursive: true, encoding: 'utf8' })
  .filter((name) => TEST_FILE.test(name))
  .map((name) => `tests/${name}`);
const ISOLATED = ALL.filter(
  (file) =>
    ISOLATED_FOLDERS.some((folder) => file.startsWith(folder)) ||
    ISOLATED_FILES.includes(file) ||
    OWN_PROCESS.some((pattern) => pattern.test(readFileSync(`${root}${file}`, 'utf8'))),
);
const SHARED = ALL.filter((file) => !ISOLATED.includes(file) && !ON_DISK.includes(file));
const RAM_TMPDIR = ramDiskTmpdir();
/** A project's settings that put its files' TMPDIR on the RAM disk, made and removed by the global setup. */
const onRamDisk = RAM_TMPDIR === undefined ? {} : { env: { TMPDIR: RAM_TMPDIR }, globalSetup: ['tests/helpers/suite-tmpdir.ts'] };

export default defineConfig({
  test: {
    // A timeout only catches a test that hangs; it must not fail one that a busy machine slows
    // down. Under `npm test` on 2 cores shared with other CPU-heavy jobs, tests that spawn the
    // CLI several times took up to 35 s; the cap leaves room for several times that.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The same for `expect.poll`: its own default gives up after a second, and a Chromium page on a busy machine
    // took longer than that to ask for its data (tests/web/browser/placeholders.test.ts, with the file's processes
    // held to 8% of a core). A poll that passes costs what it waited, not this.
    expect: { poll: { timeout: PATIENCE_MS } },
    // Vitest's default is one file fewer than the cores: one at a time on 2 cores. Many files spend
    // much of their time waiting (on processes they started: bwrap, git, redis-server, Chromium, the
    // CLI in crash tests; on a worker's lease or a notice's timer), and the isolated ones, which run
    // first (with the `disk` project's two), mostly wait: with one file per core a third of the machine sat idle then. Two files per
    // core keep it busy (on this 2-core machine, from a fresh clone: 7 min 58 s with two at once,
    // 7 min 31 s with three, 7 min 17 s with four; starting the isolated files among the shared ones
    // instead of first was no better: 7 min 37 s with three).
    // The projects below inherit this number (`extends: true`), and a project's own number wins over the
    // command line's: `vitest run --maxWorkers=1 <files>` still runs four files at once (seen: four worker
    // processes for tests/history/). To time files one at a time, `VITEST_MAX_WORKERS=1 npx vitest run <files>`:
    // vitest reads that for every project (one worker process seen).
    maxWorkers: Math.max(2, 2 * availableParallelism()),
    // Every file: removes the temporary folders a test made (tests/helpers/temp-dirs.ts).
    setupFiles: ['tests/helpers/setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: SHARED, isolate: false, ...onRamDisk },
      },
      {
        extends: true,
        test: { name: 'isolated', include: ISOLATED.filter((file) => !ON_DISK.includes(file)), ...onRamDisk },
      },
      {
        extends: true,
        test: { name: 'disk', include: ON_DISK },
      },
    ],
  },
});
