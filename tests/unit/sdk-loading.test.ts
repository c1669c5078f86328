import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const DIST = join(import.meta.dirname, '..', '..', 'dist');
const SDKS = ['openai', '@anthropic-ai/sdk'];

/** Every package a built module loads when it is imported: its static imports, followed through dist, not its `import()` calls. */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return packages;
}

describe('vendor SDKs load only when a model is called', () => {
  test.runIf(existsSync(join(DIST, 'cli', 'main.js')))('status, and run up to its first call, import no SDK', () => {
    for (const command of ['main.js', 'commands/status.js', 'commands/run.js', 'commands/validate.js']) {
      const loaded = [...staticPackages(join(DIST, 'cli', command))];
      const sdks = loaded.filter((name) => SDKS.some((sdk) => name === sdk || name.startsWith(`${sdk}/`)));
      expect(sdks, command).toEqual([]);
    }
    // The adapters themselves do load their SDK: the walk sees static imports.
    expect([...staticPackages(join(DIST, 'providers', 'openai', 'openai-provider.js'))]).toContain('openai');
  });
});
