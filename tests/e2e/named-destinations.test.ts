import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { bootstrappedOrg } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';
import { setKeepHistory, tempDir } from '../helpers/org-files.js';

/** A copy of the default org `lemming bootstrap` wrote once for this file. */
const bootstrapped = bootstrappedOrg();

// A file or folder a person names for lemming to write goes in a folder that exists, as for `tar -cf`
// and `git archive -o`: a typo in a folder's name is refused, naming it, not made with its parents.
describe('a path a person names for lemming to write', () => {
  test('export into a folder that does not exist is refused (exit 2), naming the folder, and makes no folder', () => {
    const root = bootstrapped();
    const away = tempDir();
    const typo = join(away, 'a', 'b', 'c', 'out.tar.gz');
    const refused = lemming(root, ['export', typo]);
    expect({ status: refused.status, stdout: refused.stdout, stderr: refused.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: `lemming: ${typo}: the folder ${join(away, 'a', 'b', 'c')} does not exist; make it first (mkdir -p ${join(away, 'a', 'b', 'c')}) or give a path in a folder that exists\n`,
    });
    expect(readdirSync(away)).toEqual([]);
    // A file where the folder should be is said too.
    writeFileSync(join(away, 'notes'), 'mine');
    const underFile = lemming(root, ['export', join(away, 'notes', 'out.tar.gz')]);
    expect({ status: underFile.status, stderr: underFile.stderr }).toEqual({ status: 2, stderr: `lemming: ${join(away, 'notes', 'out.tar.gz')}: ${join(away, 'notes')} is not a folder; give a path in a folder that exists\n` });
    // In a folder that exists, the archive is written.
    const written = lemming(root, ['export', join(away, 'out.tar.gz')]);
    expect(written.status).toBe(0);
    expect(readdirSync(away).sort()).toEqual(['notes', 'out.tar.gz']);
  });

  test('backup makes its own default folder, and refuses a named file in a folder that does not exist', () => {
    const root = bootstrapped();
    const own = lemming(root, ['backup']);
    expect(own.status).toBe(0);
    expect(readdirSync(join(root, 'backups'))).toHaveLength(1);
    const away = tempDir();
    const refused = lemming(root, ['backup', join(away, 'nightly', 'org.tar.gz')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`lemming: ${join(away, 'nightly', 'org.tar.gz')}: the folder ${join(away, 'nightly')} does not exist; make it first (mkdir -p ${join(away, 'nightly')}) or give a path in a folder that exists\n`);
    expect(existsSync(join(away, 'nightly'))).toBe(false);
  });

  test('--csv makes its folder, not the folders above it, and refuses before the report is worked out', () => {
    const root = bootstrapped();
    const away = tempDir();
    const typo = join(away, 'reports', 'tables');
    const refused = lemming(root, ['analyze', '--csv', typo]);
    expect({ status: refused.status, stdout: refused.stdout, stderr: refused.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: `lemming: --csv ${typo}: the folder ${join(away, 'reports')} does not exist; make it first (mkdir -p ${join(away, 'reports')}) or give a path in a folder that exists\n`,
    });
    expect(readdirSync(away)).toEqual([]);
    const made = lemming(root, ['analyze', '--csv', join(away, 'tables')]);
    expect(made.status).toBe(0);
    expect(readdirSync(join(away, 'tables'))).toContain('dictionary.csv');
  });

  test('--csv into a folder the system will not let lemming write (/proc/self) is refused (exit 2), naming the folder and the code, and ends', () => {
    const root = bootstrapped();
    for (const folder of ['/proc/self', '/proc/self/tables']) {
      const refused = lemming(root, ['analyze', '--csv', folder]);
      expect({ status: refused.status, stdout: refused.stdout, stderr: refused.stderr }).toEqual({
        status: 2,
        stdout: '',
        stderr: `lemming: --csv ${folder}: the system refuses to let lemming write its tables there (ENOENT); pass --csv a folder you can write, new or one lemming wrote tables into\n`,
      });
    }
  });

  test('a --root for a new org goes in a folder that exists: bootstrap, demo, import and fork refuse a typo (exit 2), naming the folder, and make no folder', async () => {
    const root = bootstrapped();
    setKeepHistory(root, true);
    expect(lemming(root, ['send', 'manager', 'Plan the release.']).status).toBe(0);
    expect(lemming(root, ['run', '--turns', '1', '--plain']).status).toBe(0);
    const away = tempDir();
    const archive = join(away, 'org.tar.gz');
    expect(lemming(root, ['export', archive]).status).toBe(0);
    const folder = join(away, 'a', 'b', 'c');
    const typo = join(folder, 'org');
    for (const command of [['bootstrap'], ['demo'], ['import', archive], ['fork', '--from', root, '--at', '1']]) {
      const refused = lemming(typo, command);
      expect({ command: command[0], status: refused.status, stderr: refused.stderr }).toEqual({
        command: command[0],
        status: 2,
        stderr: `lemming: --root ${typo}: the folder ${folder} does not exist; make it first (mkdir -p ${folder}) or give a path in a folder that exists\n`,
      });
      expect(readdirSync(away), command[0]).toEqual(['org.tar.gz']);
    }
    // The last name of the path is made, as before.
    const fresh = join(away, 'fresh');
    expect(lemming(fresh, ['bootstrap']).status).toBe(0);
    expect(existsSync(join(fresh, 'org', 'org.yaml'))).toBe(true);
  });
});
