import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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

/**
 * The project's built modules (relative to dist/, like `cli/program.js`) that one run of the built
 * CLI loaded, whether imported or required: Node's own record of them (`NODE_DEBUG=esm`).
 */
export function modulesLoadedBy(cli: string, args: string[]): { modules: string[]; status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'esm', NO_COLOR: '1' } });
  const dist = pathToFileURL(dirname(dirname(cli))).href;
  const modules = new Set<string>();
  for (const match of result.stderr.matchAll(/Storing (file:\/\/\S+) /g)) {
    const url = match[1] ?? '';
    if (url.startsWith(`${dist}/`)) modules.add(url.slice(dist.length + 1));
  }
  return { modules: [...modules].sort(), status: result.status, stdout: result.stdout };
}
