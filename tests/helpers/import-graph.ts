import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Every package a built module loads when it is imported: its static imports, followed
 * through the built code, not its `import()` calls. Specifiers as written (`ink`,
 * `@anthropic-ai/sdk`, `react/jsx-runtime`).
 */
export function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?:[^'"`;]*?\s*from\s+)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return packages;
}
