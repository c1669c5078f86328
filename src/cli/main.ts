#!/usr/bin/env node
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
(createRequire(import.meta.url)('./program.js') as typeof import('./program.js')).runProgram();
