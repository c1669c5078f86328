import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { colourWanted } from '../../src/cli/colour.js';
import { staticPackages } from '../helpers/import-graph.js';
import { REPO } from './helpers/temp-org.js';

const DIST = join(REPO, 'dist');

describe('the terminal UI is loaded only when a screen is shown', () => {
  test.skipIf(!existsSync(join(DIST, 'cli', 'main.js')))('status, inbox, send, run and chat load neither ink nor React until they draw a screen', () => {
    for (const entry of ['cli/program.js', 'cli/commands/status.js', 'cli/commands/inbox.js', 'cli/commands/send.js', 'cli/commands/run.js', 'cli/commands/chat.js']) {
      const packages = staticPackages(join(DIST, entry));
      expect([...packages].filter((name) => name === 'ink' || name === 'react' || name.startsWith('react/')), entry).toEqual([]);
    }
    expect(staticPackages(join(DIST, 'ui/run/run-app.js')).has('ink')).toBe(true);
  });

  test('the engine and everything below it never import ink or React', () => {
    for (const folder of ['engine', 'org', 'mailbox', 'providers']) {
      for (const entry of readdirRecursive(join(REPO, 'src', folder))) {
        const code = readFileSync(entry, 'utf8');
        expect(/from ['"](ink|react)['"/]/.test(code), entry).toBe(false);
      }
    }
  });

  test('the engine imports no screen, command or server, and the screens no command or server: what they show of those comes in as props', () => {
    const layers = { engine: /(?:from |import\()['"](\.\.\/)+(ui|cli|web)\//, ui: /(?:from |import\()['"](\.\.\/)+(cli|web)\// };
    for (const [folder, above] of Object.entries(layers)) {
      for (const entry of readdirRecursive(join(REPO, 'src', folder))) expect(above.test(readFileSync(entry, 'utf8')), entry).toBe(false);
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
    entry.isDirectory() ? readdirRecursive(join(folder, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(folder, entry.name)] : [],
  );
}
