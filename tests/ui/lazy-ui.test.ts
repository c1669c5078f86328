import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { colourWanted } from '../../src/cli/colour.js';
import { REPO } from './helpers/temp-org.js';

const DIST = join(REPO, 'dist');

/** Packages a module loads when it is imported, following its static imports (not `import()`) through the built code. */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/^(?:import|export)\s[^'"`;]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier.split('/')[0] ?? specifier);
    }
  };
  visit(join(DIST, entry));
  return packages;
}

describe('the terminal UI is loaded only when a screen is shown', () => {
  test.skipIf(!existsSync(join(DIST, 'cli', 'main.js')))('status, inbox, send, run and chat load neither ink nor React until they draw a screen', () => {
    for (const entry of ['cli/main.js', 'cli/commands/status.js', 'cli/commands/inbox.js', 'cli/commands/send.js', 'cli/commands/run.js', 'cli/commands/chat.js']) {
      const packages = staticPackages(entry);
      expect([...packages].filter((name) => name === 'ink' || name === 'react' || name.startsWith('react/')), entry).toEqual([]);
    }
    expect(staticPackages('ui/run/run-app.js').has('ink')).toBe(true);
  });

  test('the engine and everything below it never import ink or React', () => {
    for (const folder of ['engine', 'org', 'mailbox', 'providers']) {
      for (const entry of readdirRecursive(join(REPO, 'src', folder))) {
        const code = readFileSync(entry, 'utf8');
        expect(/from ['"](ink|react)['"/]/.test(code), entry).toBe(false);
      }
    }
  });
});

describe('colour', () => {
  test('FORCE_COLOR wins, then NO_COLOR, then whether the output is a terminal', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
  });
});

function readdirRecursive(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? readdirRecursive(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  );
}
