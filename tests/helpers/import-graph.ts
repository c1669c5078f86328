import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Every module of the project and every package a built module loads when it is imported: its static imports, followed through the built code. */
function staticGraph(entry: string): { modules: Set<string>; packages: Set<string> } {
  const packages = new Set<string>();
  const modules = new Set<string>();
  const visit = (file: string): void => {
    if (modules.has(file)) return;
    modules.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?:[^'"`;]*?\s*from\s+)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { modules, packages };
}

/**
 * Every package a built module loads when it is imported: its static imports, followed
 * through the built code, not its `import()` calls. Specifiers as written (`ink`,
 * `@anthropic-ai/sdk`, `react/jsx-runtime`).
 */
export function staticPackages(entry: string): Set<string> {
  return staticGraph(entry).packages;
}

/** The project's own built modules a module loads when it is imported (itself included), as absolute paths. */
export function staticModules(entry: string): Set<string> {
  return staticGraph(entry).modules;
}
