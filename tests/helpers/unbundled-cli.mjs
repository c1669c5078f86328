// @ts-check
/*
 * The built CLI as dist/cli/main.js runs it without its bundle: the program and every module it
 * loads one file each (dist/cli/program.js and what it requires and imports), so a test can see which
 * of lemming's modules a command loads (tests/helpers/import-graph.ts, modulesLoadedBy). The binary
 * itself loads the same modules from a few files under dist/cli/bundle/ (scripts/bundle-cli.mjs),
 * where a module not used is parsed but never run: what loads here is what runs there.
 */
import { createRequire } from 'node:module';

const requireModule = createRequire(import.meta.url);
/** @type {typeof import('../../src/cli/program.js')} */
const { main } = requireModule('../../dist/cli/program.js');
/** @type {typeof import('../../src/cli/cli-context.js')} */
const { processIo } = requireModule('../../dist/cli/cli-context.js');

void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
