import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

// npm 11.16 and later list, at the end of every `npm install` and `npm ci`, each dependency whose install script no
// `allowScripts` entry has reviewed; npm 12 skips those scripts. better-sqlite3 (the bench's race) builds its binary in
// its script, so an unreviewed one is first a warning a new user reads after `npm install` and later an install that
// cannot open a database. Every package the lock marks as having an install script is reviewed in package.json.
describe('install scripts', () => {
  const read = (file: string): unknown => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));

  test('each package of the lock with an install script has an allowScripts entry', () => {
    const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
    const manifest = read('package.json') as { allowScripts?: Record<string, boolean> };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    const reviewed = Object.keys(manifest.allowScripts ?? {}).map((key) => key.replace(/(?<=.)@[^@]*$/, ''));
    expect(withScripts.filter((name) => !reviewed.includes(name))).toEqual([]);
  });
});
