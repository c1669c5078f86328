import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/org-files.js';

/**
 * A process started with `nodeFlags` starts a thread through startThread (src/heap-settings.ts), the
 * way every thread of lemming starts: whether the thread ran its code (it answers with a builtin it
 * required), or the error that kept it from starting.
 */
function threadRuns(nodeFlags: string[]): { ran: boolean; error?: string } {
  const script = `
    // As CommonJS or as a module (--input-type=module): no \`require\` nor \`import.meta\` of its own.
    const load = process.getBuiltinModule('node:module').createRequire(${JSON.stringify(join(REPO_ROOT, 'package.json'))});
    const { startThread } = load(${JSON.stringify(join(REPO_ROOT, 'dist', 'heap-settings.js'))});
    let thread;
    try {
      thread = startThread({ code: "require('node:worker_threads').parentPort.postMessage(typeof require('node:fs').readFileSync)" });
    } catch (error) {
      process.stdout.write(JSON.stringify({ ran: false, error: error.code ?? String(error) }));
      process.exit(0);
    }
    thread.once('message', (kind) => { process.stdout.write(JSON.stringify({ ran: kind === 'function' })); process.exit(0); });
    thread.once('error', (error) => { process.stdout.write(JSON.stringify({ ran: false, error: error.code ?? String(error) })); process.exit(0); });
  `;
  // heap-settings.js is an ES module: required (Node 20.19 and later load one synchronously), as the CLI's bundle takes its code.
  const result = spawnSync(process.execPath, [...nodeFlags, '-e', script], { encoding: 'utf8', cwd: REPO_ROOT });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { ran: boolean; error?: string };
}

test('a thread starts in a process given no flag', () => {
  expect(threadRuns([])).toEqual({ ran: true });
});

test('a thread starts in a process given V8 flags on the command line (`node --max-old-space-size=4096 lemming status`), which a Worker refuses when they are passed on to it', () => {
  expect(threadRuns(['--max-old-space-size=4096'])).toEqual({ ran: true });
  expect(threadRuns(['--max-semi-space-size=32', '--stack-size=984'])).toEqual({ ran: true });
});

test('a thread runs its code as CommonJS in a process started as an ES module (`node --input-type=module -e`)', () => {
  expect(threadRuns(['--input-type=module'])).toEqual({ ran: true });
  expect(threadRuns(['--input-type=module', '--max-old-space-size=4096'])).toEqual({ ran: true });
});
