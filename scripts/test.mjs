#!/usr/bin/env node
// @ts-check
/**
 * `npm test`: build, typecheck and the test suite, then how long each took.
 *
 * Plain JavaScript because it runs before anything is compiled. Two things a chain of
 * `npm run` scripts does not do:
 * - the typecheck (tests and bench included) runs beside the tests, not before them: the
 *   tests run the built dist/ and vitest's own transform, neither of which waits for tsc,
 *   and most test files spend their time waiting on processes they started, so tsc's one
 *   core is mostly free. Its output is printed after the tests', whole;
 * - the dashboard app's own typecheck (tsconfig.app.json, `npm run typecheck`'s second half)
 *   is not repeated: the build just compiled the app with the same config, and a type error
 *   there fails the build.
 * It prints the duration last, so a contributor sees what the suite costs (docs/contributing.md).
 *
 * Usage: node scripts/test.mjs [vitest arguments]   (run in the package folder)
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const started = Date.now();

/** `1 min 05 s` or `42 s`: what a person reads at the end of a run. */
function duration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

function main() {
  const buildStarted = Date.now();
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const buildMs = Date.now() - buildStarted;
  if (built.status !== 0) {
    console.error(`npm test: the build failed after ${duration(buildMs)}; no test was run`);
    return Promise.resolve(built.status ?? 1);
  }

  const typecheckStarted = Date.now();
  let typecheckMs = 0;
  let typecheckOutput = '';
  const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { stdio: ['ignore', 'pipe', 'pipe'] });
  tsc.stdout.setEncoding('utf8').on('data', (chunk) => (typecheckOutput += chunk));
  tsc.stderr.setEncoding('utf8').on('data', (chunk) => (typecheckOutput += chunk));
  let typecheckDone = false;
  const typechecked = new Promise((resolve) =>
    tsc.on('close', (status) => {
      typecheckDone = true;
      typecheckMs = Date.now() - typecheckStarted;
      resolve(status ?? 1);
    }),
  );

  const testsStarted = Date.now();
  const vitest = spawn(process.execPath, [join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs'), 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
  const tested = new Promise((resolve) =>
    vitest.on('close', (status) => {
      // A few files run in seconds; the typecheck of the whole tree takes longer: say what is still going.
      if (!typecheckDone) console.log('\nthe tests are done; the typecheck (tsc -p tsconfig.json) is still running');
      resolve({ status: status ?? 1, ms: Date.now() - testsStarted });
    }),
  );

  return Promise.all([typechecked, tested]).then(([typecheckStatus, tests]) => {
    if (typecheckStatus !== 0) console.error(`\ntypecheck (tsc -p tsconfig.json) failed:\n${typecheckOutput}`);
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
