import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LEDGER_FILE } from '../../src/org/ledger-line.js';
import { bootstrappedOrg } from '../helpers/built-org.js';
import { CLI, lemming, lemmingAsync } from '../helpers/cli.js';
import { REPO_ROOT, setKeepHistory, tempDir } from '../helpers/org-files.js';
import { shortStudy } from '../helpers/short-study.js';

/** A copy of the default org `lemming bootstrap` wrote once for this file. */
const bootstrapped = bootstrappedOrg();

/** The research lines of the org's ledger: one per survey call made and paid for. */
function researchLines(root: string): number {
  const ledger = join(root, LEDGER_FILE);
  return existsSync(ledger) ? readFileSync(ledger, 'utf8').split('\n').filter((line) => line.includes('"research"')).length : 0;
}

/** The built CLI in a process of its own, killed if it has not ended by the backstop (a command that spins never ends): its exit code (null when killed) and standard error. */
function lemmingBounded(root: string, args: string[]): { status: number | null; stderr: string } {
  const child = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { status: child.status, stderr: child.stderr };
}

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

  test('experiment --csv into a folder the system refuses is refused before any run (exit 2), naming the folder and the code', { timeout: 300_000 }, async () => {
    const root = bootstrapped();
    writeFileSync(join(root, 'plain.yaml'), shortStudy('plain', 1));
    const refused = await lemmingAsync(root, ['experiment', join(root, 'plain.yaml'), '--csv', '/proc/self/tables']);
    expect({ status: refused.status, stdout: refused.stdout, stderr: refused.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: 'lemming: --csv /proc/self/tables: the system refuses to let lemming write its tables there (ENOENT); pass --csv a folder you can write, new or one lemming wrote tables into\n',
    });
    // Before: the study ran to its end (its runs and report written), and only then were its tables refused.
    expect(existsSync(join(root, 'experiments'))).toBe(false);
  });

  test('ask --csv into a folder the system refuses is refused before any question is asked or paid for', () => {
    const root = bootstrapped();
    const refused = lemming(root, ['ask', '--all', 'How is the release going?', '--csv', '/proc/self/answers']);
    expect({ status: refused.status, stdout: refused.stdout, stderr: refused.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: 'lemming: --csv /proc/self/answers: the system refuses to let lemming write its tables there (ENOENT); pass --csv a folder you can write, new or one lemming wrote tables into\n',
    });
    expect(researchLines(root)).toBe(0);
    // A folder it can write: the answers are asked, paid for and written.
    const tables = join(tempDir(), 'answers');
    expect(lemming(root, ['ask', '--all', 'How is the release going?', '--csv', tables]).status).toBe(0);
    expect(researchLines(root)).toBeGreaterThan(0);
    expect(readdirSync(tables)).toContain('dictionary.csv');
  });

  test('calibrate --out into a folder the system refuses is refused before any call (exit 2), naming the folder and the code, and ends', () => {
    const root = bootstrapped();
    const reference = join(REPO_ROOT, 'data', 'gss-2018', 'reference.yaml');
    for (const folder of ['/proc/self', '/proc/self/calibration']) {
      // Before: every question asked and paid for, then 'unexpected error: ENOENT' (exit 1) for /proc/self, and /proc/self/calibration never ended (a recursive mkdir spun).
      expect(lemmingBounded(root, ['calibrate', reference, '--out', folder])).toEqual({
        status: 2,
        stderr: `lemming: --out ${folder}: the system refuses to let lemming write its reports there (ENOENT); pass --out a folder you can write, new or one lemming wrote reports into\n`,
      });
    }
    expect(researchLines(root)).toBe(0);
    // A file in the folder's place is said before any call too.
    const file = join(tempDir(), 'report');
    writeFileSync(file, 'mine\n');
    expect(lemmingBounded(root, ['calibrate', reference, '--out', file])).toEqual({ status: 2, stderr: `lemming: ${file}: is a file, not a folder; --out writes a folder of reports: pass --out a new or empty folder\n` });
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    expect(researchLines(root)).toBe(0);
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
