#!/usr/bin/env node
// @ts-check
/**
 * Builds dist/ from src/ (`npm run build`, `npm start`, `npm install` through `prepare`).
 *
 * Plain JavaScript because it runs before anything is compiled. Three things `tsc` alone
 * does not do:
 * - skip the compiler entirely when no input changed since the last build, so a repeated
 *   `npm start` reaches its first turn in about the time Node takes to start, not the
 *   ten-plus seconds even an incremental `tsc` needs to load the program;
 * - remove outputs whose source was moved or deleted, so a stale `dist/` file can never be
 *   imported in place of the real one;
 * - rebuild when an output is missing, which `tsc --incremental` alone would not notice.
 *
 * Usage: node scripts/build.mjs [--force]   (run in the package folder)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const SOURCE_DIR = 'src';
const OUT_DIR = 'dist';
const STAMP = join(OUT_DIR, '.build-stamp.json');
const BUILD_INFO = join(OUT_DIR, '.tsbuildinfo');
const APP_CONFIG = 'tsconfig.app.json';
const APP_BUILD_INFO = join(OUT_DIR, '.tsbuildinfo-app');
/**
 * Browser builds of packages the dashboard's app loads, copied into dist/ beside the app (which
 * is served as ES modules with no bundler): markdown-it's own self-contained ES module build.
 * Only with the app (APP_CONFIG).
 */
const VENDORED = [{ from: 'markdown-it/dist/browser/markdown-it.esm.min.mjs', to: 'web/app/markdown-it.js' }];
/**
 * The CLI's program, which is also bundled into dist/cli/bundle/ for the binary to load
 * (scripts/bundle-cli.mjs); a package without it (the build's own test) has no bundle.
 */
const CLI_PROGRAM = join(SOURCE_DIR, 'cli', 'program.ts');
/** The bundle's folder under dist/, which src/cli/main.ts loads from: made anew by every build, never a stale output. */
const BUNDLE_DIR = 'cli/bundle';
/**
 * Files besides the sources whose change can change the output: the bundler's script too, or a
 * change of it (a merge, a pull) left the binary loading the bundle the old one made.
 */
const CONFIG_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'tsconfig.app.json', 'package.json', 'package-lock.json', 'scripts/bundle-cli.mjs'];

/** Every file under a folder, as paths relative to it, in a stable order. */
function walk(folder, prefix = '') {
  if (!existsSync(folder)) return [];
  const files = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((left, right) => left.name.localeCompare(right.name))) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...walk(join(folder, entry.name), path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

function isSource(path) {
  return /\.(ts|tsx)$/.test(path) && !path.endsWith('.d.ts');
}

/** The output a source compiles to: `engine/turn/plan-turn.ts` → `engine/turn/plan-turn.js`. */
function outputOf(source) {
  return source.replace(/\.tsx?$/, '.js');
}

/** The source an output came from (its code, source map or declarations), or undefined for a file tsc does not write (kept). */
function sourceStemOf(output) {
  const match = /^(.*?)(\.js|\.js\.map|\.d\.ts)$/.exec(output);
  return match?.[1];
}

function newestInputMtime(sources) {
  let newest = 0;
  for (const path of [...sources.map((source) => join(SOURCE_DIR, source)), ...CONFIG_INPUTS]) {
    if (existsSync(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Why dist/ must be rebuilt, or undefined when it is up to date. */
function reasonToBuild(sources) {
  if (!existsSync(STAMP)) return 'no previous build';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return 'the last build did not finish';
  }
  if (JSON.stringify(stamp.sources) !== JSON.stringify(sources)) return 'source files were added, moved or removed';
  if (newestInputMtime(sources) > stamp.startedAt) return 'sources changed';
  const vendored = existsSync(APP_CONFIG) ? VENDORED.map((file) => file.to) : [];
  const missing = [...sources.map(outputOf), ...vendored].find((output) => !existsSync(join(OUT_DIR, output)));
  if (missing !== undefined) return `${OUT_DIR}/${missing} is missing`;
  if (existsSync(CLI_PROGRAM) && stamp.bundled === true && !existsSync(join(OUT_DIR, BUNDLE_DIR, 'program.js'))) return `${OUT_DIR}/${BUNDLE_DIR}/program.js is missing`;
  return undefined;
}

/** Deletes compiled files whose source no longer exists, then folders left empty. */
function removeStaleOutputs(sources) {
  const stems = new Set(sources.map((source) => source.replace(/\.tsx?$/, '')));
  const vendored = new Set(existsSync(APP_CONFIG) ? VENDORED.map((file) => file.to) : []);
  const removed = [];
  for (const output of walk(OUT_DIR)) {
    if (vendored.has(output) || output.startsWith(`${BUNDLE_DIR}/`)) continue;
    const stem = sourceStemOf(output);
    if (stem === undefined || stems.has(stem)) continue;
    rmSync(join(OUT_DIR, output));
    removed.push(output);
  }
  removeEmptyFolders(OUT_DIR);
  return removed;
}

function removeEmptyFolders(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const child = join(folder, entry.name);
    removeEmptyFolders(child);
    if (readdirSync(child).length === 0) rmdirSync(child);
  }
}

/** Copy the vendored browser modules into dist/, without their source-map comment (the map is not shipped). */
function copyVendored() {
  const require = createRequire(import.meta.url);
  for (const file of VENDORED) {
    const [name, ...rest] = file.from.split('/');
    const source = join(dirname(require.resolve(`${name}/package.json`)), ...rest);
    const text = readFileSync(source, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    mkdirSync(dirname(join(OUT_DIR, file.to)), { recursive: true });
    writeFileSync(join(OUT_DIR, file.to), text);
  }
}

async function main() {
  const force = process.argv.includes('--force');
  const sources = walk(SOURCE_DIR).filter(isSource);
  const reason = force ? 'asked to (--force)' : reasonToBuild(sources);
  if (reason === undefined) {
    console.log(`${OUT_DIR}/ is up to date with ${SOURCE_DIR}/ (${sources.length} files); nothing to build`);
    return 0;
  }
  // Taken before compiling: a source saved during the build is newer and builds next time.
  const startedAt = Date.now();
  rmSync(STAMP, { force: true });
  // tsc --incremental trusts its build info over the outputs on disk, so a deleted output
  // would never come back: start the compiler afresh when any output is missing.
  if (force || reason.endsWith('is missing')) {
    rmSync(BUILD_INFO, { force: true });
    rmSync(APP_BUILD_INFO, { force: true });
  }
  console.log(`building ${OUT_DIR}/ (${reason})`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', BUILD_INFO], { stdio: 'inherit' });
  if (compiled.status !== 0) return compiled.status ?? 1;
  // The dashboard's browser app (src/web/app/) has its own config: DOM types, browser modules, dist/web/app/.
  // Incremental like the rest; a package without the app (a fork, the build's own test) has no such config.
  if (existsSync(APP_CONFIG)) {
    const app = spawnSync(process.execPath, [tsc, '-p', APP_CONFIG, '--incremental', '--tsBuildInfoFile', APP_BUILD_INFO], { stdio: 'inherit' });
    if (app.status !== 0) return app.status ?? 1;
    copyVendored();
  }
  const removed = removeStaleOutputs(sources);
  if (removed.length > 0) console.log(`removed ${removed.length} stale file(s) from ${OUT_DIR}/: ${removed.join(', ')}`);
  // After every compile, so the bundle is never older than the modules it was made from.
  let bundled = false;
  if (existsSync(CLI_PROGRAM)) {
    const { bundleCli } = await import('./bundle-cli.mjs');
    const problem = await bundleCli(OUT_DIR, BUNDLE_DIR);
    if (problem !== undefined && problem !== 'rolldown is not installed') {
      console.error(`the CLI's bundle failed: ${problem}`);
      return 1;
    }
    bundled = problem === undefined;
    if (!bundled) console.log(`dist/cli/main.js loads the modules one by one: ${problem}`);
  }
  writeFileSync(STAMP, `${JSON.stringify({ startedAt, sources, bundled }, null, 1)}\n`);
  return 0;
}

process.exitCode = await main();
