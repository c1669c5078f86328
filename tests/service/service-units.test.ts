import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, lemming } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';

const UNITS = ['lemming-run.service', 'lemming-worker.service'];
const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const NO_SYSTEMD = analyze.status === 0 ? undefined : 'systemd-analyze is not installed here (it comes with systemd); the units are checked where it is';
if (NO_SYSTEMD) console.warn(`service unit checks skipped: ${NO_SYSTEMD}`);

/** The ExecStart line's arguments after the program. */
function execArguments(unit: string): string[] {
  const line = /^ExecStart=(\S+) (.*)$/m.exec(unit);
  return (line?.[2] ?? '').split(/\s+/);
}

describe('the systemd units in docs/systemd', () => {
  test.skipIf(NO_SYSTEMD !== undefined)('pass systemd-analyze verify (with lemming where the unit expects it)', () => {
    const folder = tempDir('lemming-units-');
    for (const name of UNITS) {
      const unit = readFileSync(join(REPO_ROOT, 'docs', 'systemd', name), 'utf8');
      // verify wants ExecStart's program to exist: this checkout's CLI stands in for /usr/bin/lemming.
      const here = join(folder, name);
      writeFileSync(here, unit.replace('ExecStart=/usr/bin/lemming', `ExecStart=${process.execPath} ${CLI}`));
      const verified = spawnSync('systemd-analyze', ['verify', here], { encoding: 'utf8' });
      expect(verified.stderr.split('\n').filter((line) => line.includes(name)), verified.stderr).toEqual([]);
      expect(verified.status).toBe(0);
    }
  });

  test('their command lines are ones lemming accepts, restart on failure, and read keys from an environment file', () => {
    // The unit's own --root comes after the helper's and is the one taken; --help reads no org.
    const root = tempDir('lemming-units-');
    for (const name of UNITS) {
      const unit = readFileSync(join(REPO_ROOT, 'docs', 'systemd', name), 'utf8');
      expect(unit).toMatch(/^Restart=on-failure$/m);
      expect(unit).toMatch(/^EnvironmentFile=-\/etc\/lemming\/keys\.env$/m);
      expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
      // The flags parse: the command's own help is printed for them, not a usage error (exit 2). In-process
      // (tests/helpers/cli.ts): the same program the binary runs, without a Node process of its own each.
      const args = execArguments(unit);
      const checked = lemming(root, [...args, '--help']);
      expect(checked.stderr).toBe('');
      expect(checked.status).toBe(0);
      // And each is an option of the command (commander prints help past an unknown one).
      const global = lemming(root, ['--help']).stdout;
      for (const flag of args.filter((arg) => arg.startsWith('--'))) expect(`${checked.stdout}${global}`).toContain(`${flag} `);
    }
  });
});
