#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/*
 * The CLI's entry point. It loads the program (program.ts: commander and the command
 * definitions) with require() rather than import: Node 20.19 and later load an ES module
 * through require() with synchronous file reads, where import reads each file through the
 * thread pool, several round trips a module. A command loads some hundred of lemming's
 * modules (run-once on the offline model) and require() loads them in about two thirds of
 * the CPU time import takes (measured with 140 small modules: 29 ms against 42 ms above
 * `node` itself). Nothing of lemming's uses top-level await, which require() refuses.
 */
// The build bundles the program into bundle/ (scripts/bundle-cli.mjs): a few files where the modules
// are some 285, about a third of their start-up CPU. A build without the bundler (dist-bench/, or
// rolldown not installed) has none, and the modules load one by one, as they always could.
const requireModule = createRequire(import.meta.url);
const code = existsSync(new URL('./bundle/program.js', import.meta.url)) ? './bundle/' : './';
const { main } = requireModule(`${code}program.js`) as typeof import('./program.js');
const { processIo } = requireModule(`${code}cli-context.js`) as typeof import('./cli-context.js');

// A reader that stops early (`lemming status | head -3`) is not a failure. Stopping here is as
// safe as a kill at any moment: every write is atomic and a half-done turn is journaled.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

// The process ends when the command's work is done (a run's history still being written, a
// dashboard still serving), with the command's exit code.
void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
