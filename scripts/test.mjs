#!/usr/bin/env node
// @ts-check
/**
 * `npm test` and `npm run test:quick`: the system programs the tests need, the build, the typecheck
 * and the tests, then how long each took.
 *
 * Plain JavaScript because it runs before anything is compiled. What a chain of `npm run` scripts
 * does not do:
 * - it sees to the system programs first (PROGRAMS): where one is missing it installs it as .ci/run
 *   does (apt-get, when this runs as root), or stops at once with the one command that installs
 *   them all, so a fresh machine fails in a second with what to do, not after minutes of tests;
 * - the typecheck runs beside the tests, not before them: the tests run the built dist/ and
 *   vitest's own transform, neither of which waits for tsc, and most test files spend their
 *   time waiting on processes they started, so tsc's one core is mostly free. Its output is
 *   printed after the tests', whole;
 * - that typecheck (tsconfig.check.json) checks tests/ and bench/ only, against the declarations
 *   the build just wrote for src/ (a project reference to tsconfig.build.json): the build compiled
 *   src/ with the same options a moment before, and a type error there fails the build, so
 *   checking src/ again cost some 9.5 s of CPU for nothing (33 → 23 s by median of 4 alternated pairs, 2026-11-28);
 * - the dashboard app's own typecheck (tsconfig.app.json, `npm run typecheck`'s second half)
 *   is not repeated: the build just compiled the app with the same config, and a type error
 *   there fails the build.
 * It prints the duration last, so a contributor sees what the suite costs (docs/code.md).
 *
 * `--quick` (`npm run test:quick`): the unit and integration tests only (tests/unit, tests/integration:
 * no browser, no Redis, no sandbox), without the typecheck, for the inner loop.
 *
 * Usage: node scripts/test.mjs [--quick] [vitest arguments]   (run in the package folder)
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** What the typecheck beside the tests checks: tests/ and bench/, with src/ as the build's declarations. */
const TYPECHECK_CONFIG = 'tsconfig.check.json';
const started = Date.now();

/** `1 min 05 s` or `42 s`: what a person reads at the end of a run. */
function duration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/**
 * The system programs the tests use, each with the Debian package that gives it; `quick`: the
 * unit and integration tests need it too. Kept in step with .ci/run.
 */
const PROGRAMS = [
  // The dashboard's browser tests drive it through playwright-core; nothing downloads a browser.
  { name: 'chromium', found: () => onPath('chromium') || ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', process.env.LEMMING_CHROMIUM].some(isExecutable), package: 'chromium', quick: false },
  // The queue's tests start one on a free loopback port.
  { name: 'redis-server', found: () => onPath('redis-server'), package: 'redis-server', quick: false },
  // run_command and the org's command tools; the sandbox's tests use the real one.
  { name: 'bwrap', found: () => onPath('bwrap') || isExecutable(process.env.LEMMING_BWRAP), package: 'bubblewrap', quick: false },
  // The offline coder tests its work with Python's unittest, run in the sandbox from /usr/bin.
  { name: 'python3', found: () => isExecutable('/usr/bin/python3'), package: 'python3', quick: false },
  // Every org keeps its history in a git repository written by the git program.
  { name: 'git', found: () => onPath('git'), package: 'git', quick: true },
  // A message typed at a terminal is tested on a real pseudo-terminal, through util-linux's script(1) (Debian: always there).
  { name: 'script', found: () => onPath('script'), package: 'bsdutils', quick: false },
];

/** @param {string | undefined} path */
function isExecutable(path) {
  if (!path) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} name */
function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((folder) => folder !== '' && isExecutable(join(folder, name)));
}

/**
 * Every program the tests need, or a clear stop: installed with apt-get where this runs as root
 * (as .ci/run does), else the one command to run. Returns false when the tests cannot start.
 * @param {boolean} quick
 */
function seeToPrograms(quick) {
  const missing = PROGRAMS.filter((program) => (!quick || program.quick) && !program.found());
  if (missing.length === 0) return true;
  const packages = missing.map((program) => program.package);
  const install = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const names = missing.map((program) => program.name).join(', ');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot && onPath('apt-get')) {
    console.log(`npm test: the tests need ${names}; installing ${packages.join(', ')} (${install})`);
    const updated = spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    const installed = updated.status === 0 && spawnSync('apt-get', install.split(' ').slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
    const still = missing.filter((program) => !program.found());
    if (installed && still.length === 0) return true;
    console.error(`npm test: apt-get could not install ${still.map((program) => program.package).join(', ') || packages.join(', ')}; no test was run`);
    return false;
  }
  const sudo = asRoot ? '' : 'sudo ';
  console.error(`npm test: the tests need ${names}, which ${missing.length === 1 ? 'is' : 'are'} not installed; no test was run. Install ${missing.length === 1 ? 'it' : 'them'} with:\n\n  ${sudo}apt-get update && ${sudo}${install}\n`);
  return false;
}

function main() {
  const quick = process.argv.includes('--quick');
  const vitestArguments = process.argv.slice(2).filter((argument) => argument !== '--quick');
  if (!seeToPrograms(quick)) return Promise.resolve(1);
  const buildStarted = Date.now();
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const buildMs = Date.now() - buildStarted;
  if (built.status !== 0) {
    console.error(`npm test: the build failed after ${duration(buildMs)}; no test was run`);
    return Promise.resolve(built.status ?? 1);
  }

  let typecheckDone = quick;
  const testsStarted = Date.now();
  const folders = quick ? ['tests/unit', 'tests/integration'] : [];
  /** @type {Promise<{ status: number; ms: number }>} */
  const tested = new Promise((resolve) => {
    const vitest = spawn(process.execPath, [join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs'), 'run', ...folders, ...vitestArguments], { stdio: 'inherit' });
    vitest.on('close', (status) => {
      // A few files run in seconds; the typecheck of the whole tree takes longer: say what is still going.
      if (!typecheckDone) console.log(`\nthe tests are done; the typecheck (tsc -p ${TYPECHECK_CONFIG}) is still running`);
      resolve({ status: status ?? 1, ms: Date.now() - testsStarted });
    });
  });
  if (quick) {
    return tested.then((tests) => {
      console.log(`\nnpm run test:quick ${tests.status === 0 ? 'passed' : 'FAILED'} in ${duration(Date.now() - started)} (build ${duration(buildMs)}; the unit and integration tests ${duration(tests.ms)}; no typecheck: \`npm test\` runs it)`);
      return tests.status;
    });
  }

  const typecheckStarted = Date.now();
  let typecheckMs = 0;
  let typecheckOutput = '';
  const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', TYPECHECK_CONFIG, '--noEmit'], { stdio: ['ignore', 'pipe', 'pipe'] });
  tsc.stdout.setEncoding('utf8').on('data', (chunk) => (typecheckOutput += chunk));
  tsc.stderr.setEncoding('utf8').on('data', (chunk) => (typecheckOutput += chunk));
  const typechecked = new Promise((resolve) =>
    tsc.on('close', (status) => {
      typecheckDone = true;
      typecheckMs = Date.now() - typecheckStarted;
      resolve(status ?? 1);
    }),
  );

  return Promise.all([typechecked, tested]).then(([typecheckStatus, tests]) => {
    if (typecheckStatus !== 0) console.error(`\ntypecheck (tsc -p ${TYPECHECK_CONFIG}) failed:\n${typecheckOutput}`);
    const verdict = typecheckStatus === 0 && tests.status === 0 ? 'passed' : 'FAILED';
    console.log(
      `\nnpm test ${verdict} in ${duration(Date.now() - started)} ` +
        `(build ${duration(buildMs)}; tests ${duration(tests.ms)}, typecheck ${duration(typecheckMs)} beside them)`,
    );
    return typecheckStatus !== 0 ? typecheckStatus : tests.status;
  });
}

main().then((status) => {
  process.exitCode = status;
});
