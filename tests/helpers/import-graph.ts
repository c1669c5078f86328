import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Every module of the project and every package a built module loads when it is imported: its static imports, followed through the built code. */
function staticGraph(entry: string): { modules: Set<string>; packages: Set<string> } {
  const packages = new Set<string>();
  const modules = new Set<string>();
  const visit = (file: string): void => {
    if (modules.has(file)) return;
    modules.add(file);
    const code = readFileSync(file, 'utf8');
    // A module the entry point loads with require() (see src/cli/main.ts) is as good as imported.
    const specifiers = [
      ...code.matchAll(/^(?:import|export)\s+(?:[^'"`;]*?\s*from\s+)?['"]([^'"]+)['"]/gm),
      ...code.matchAll(/^createRequire\(import\.meta\.url\)\(['"]([^'"]+)['"]\)/gm),
    ].map((match) => match[1] ?? '');
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { modules, packages };
}

/**
 * Every package a built module loads when it is imported: its static imports, followed
 * through the built code, not its `import()` calls nor the commands' lazy `require()`s. Specifiers as written (`ink`,
 * `@anthropic-ai/sdk`, `react/jsx-runtime`).
 */
export function staticPackages(entry: string): Set<string> {
  return staticGraph(entry).packages;
}

/** The project's own built modules a module loads when it is imported (itself included), as absolute paths. */
export function staticModules(entry: string): Set<string> {
  return staticGraph(entry).modules;
}

/** The built CLI as the binary runs it without its bundle: lemming's modules one file each (see the script). */
const UNBUNDLED_CLI = join(dirname(fileURLToPath(import.meta.url)), 'unbundled-cli.mjs');
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

/**
 * The project's built modules (relative to dist/, like `cli/program.js`) that one command of the
 * built CLI loaded, whether imported or required: Node's own record of them (`NODE_DEBUG=esm`). The
 * command runs on the modules one file each, as the binary does without its bundle: the bundle holds
 * the same modules in a few files, and runs only those this names (tests/e2e/startup.test.ts).
 */
export function modulesLoadedBy(args: string[]): { modules: string[]; status: number | null; stdout: string } {
  // Node's record runs to megabytes (a command's modules loaded by import() are each described at length).
  const result = spawnSync(process.execPath, [UNBUNDLED_CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NODE_DEBUG: 'esm', NO_COLOR: '1' } });
  const dist = pathToFileURL(DIST).href;
  const modules = new Set<string>();
  for (const match of result.stderr.matchAll(/Storing (file:\/\/\S+) /g)) {
    const url = match[1] ?? '';
    if (url.startsWith(`${dist}/`)) modules.add(url.slice(dist.length + 1));
  }
  return { modules: [...modules].sort(), status: result.status, stdout: result.stdout };
}
