import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { spoolEntry } from '../../src/history/entry-spool.js';
import { changeLines } from '../../src/history/fast-import.js';
import { recoverSpooled } from '../../src/history/recover-entries.js';
import { tempDir } from '../helpers/temp-org.js';

/*
 * The entries a killed run had given git and git had not written, as the next run finds them beside
 * the store (entry-spool.ts): written in order, each once, and none on a branch that went another way.
 */

const git = (gitDir: string, args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } }).trim();

function store(): string {
  const gitDir = join(tempDir(), 'history.git');
  git(gitDir, ['init', '--quiet', '--bare', '--initial-branch=main']);
  return gitDir;
}

const file = (path: string, text: string) => changeLines([{ path, mode: '100644', data: Buffer.from(text) }]);
/** Turn `turn`'s entry as a run keeps it: its message, a time a second a turn, its parent, and one file named for the turn (a.md for turn 0, b.md for 1, ...) holding its letter. */
function spoolTurn(gitDir: string, turn: number, parent?: { commit: string } | { message: string }): void {
  const letter = String.fromCharCode(97 + turn);
  spoolEntry(gitDir, { message: `turn ${turn}\n`, when: 1_700_000_000_000 + turn * 1_000, ...(parent ? { parent } : {}) }, file(`${letter}.md`, `${letter}\n`));
}
const left = (gitDir: string) => (existsSync(join(gitDir, 'lemming-pending')) ? readdirSync(join(gitDir, 'lemming-pending')) : []);

describe('entries a killed run left to git', () => {
  test('are written in the order given, each as it was kept, and once', async () => {
    const gitDir = store();
    spoolEntry(gitDir, { message: 'turn 0\n', when: 1_700_000_000_000 }, file('agents/a/outbox/1.md', 'first\n'));
    spoolEntry(gitDir, { message: 'turn 1\n', when: 1_700_000_001_000, parent: { message: 'turn 0\n' } }, file('agents/a/outbox/2.md', 'second\n'));
    expect(await recoverSpooled({ gitDir })).toBe(2);
    expect(git(gitDir, ['log', '--format=%s', 'main'])).toBe('turn 1\nturn 0');
    expect(git(gitDir, ['ls-tree', '-r', '--name-only', 'main'])).toBe('agents/a/outbox/1.md\nagents/a/outbox/2.md');
    expect(git(gitDir, ['show', 'main:agents/a/outbox/2.md'])).toBe('second');
    expect(left(gitDir)).toEqual([]);
    expect(await recoverSpooled({ gitDir })).toBe(0);
    git(gitDir, ['fsck', '--no-dangling']);
  });

  test('one git wrote before the kill (the branch is at it) is not written twice, and the entries after it are', async () => {
    const gitDir = store();
    spoolTurn(gitDir, 0);
    await recoverSpooled({ gitDir });
    const first = git(gitDir, ['rev-parse', 'main']);
    spoolTurn(gitDir, 1, { commit: first });
    await recoverSpooled({ gitDir });
    // Kept again, as a kill after git wrote turn 1 and before it answered leaves it, with turn 2 given behind it.
    spoolTurn(gitDir, 1, { commit: first });
    spoolTurn(gitDir, 2, { message: 'turn 1\n' });
    expect(await recoverSpooled({ gitDir })).toBe(1);
    expect(git(gitDir, ['log', '--format=%s', 'main'])).toBe('turn 2\nturn 1\nturn 0');
    expect(left(gitDir)).toEqual([]);
  });

  test('two entries git wrote before the kill (neither answered) are not written again, and the one after them is', async () => {
    const gitDir = store();
    spoolTurn(gitDir, 0);
    await recoverSpooled({ gitDir });
    const first = git(gitDir, ['rev-parse', 'main']);
    spoolTurn(gitDir, 1, { commit: first });
    spoolTurn(gitDir, 2, { message: 'turn 1\n' });
    await recoverSpooled({ gitDir });
    // As a kill leaves them when git wrote turns 1 and 2 and the run had not yet read either answer, with turn 3 given behind them.
    spoolTurn(gitDir, 1, { commit: first });
    spoolTurn(gitDir, 2, { message: 'turn 1\n' });
    spoolTurn(gitDir, 3, { message: 'turn 2\n' });
    expect(await recoverSpooled({ gitDir })).toBe(1);
    expect(git(gitDir, ['log', '--format=%s', 'main'])).toBe('turn 3\nturn 2\nturn 1\nturn 0');
    expect(git(gitDir, ['show', 'main:d.md'])).toBe('d');
    expect(left(gitDir)).toEqual([]);
  });

  test('an entry with the message of the branch\'s last one but another time is not taken for it', async () => {
    const gitDir = store();
    spoolEntry(gitDir, { message: 'edits before turn 3\n', when: 1_700_000_000_000 }, file('a.md', 'a\n'));
    await recoverSpooled({ gitDir });
    const first = git(gitDir, ['rev-parse', 'main']);
    spoolEntry(gitDir, { message: 'edits before turn 3\n', when: 1_700_000_009_000, parent: { commit: first } }, file('a.md', 'a again\n'));
    expect(await recoverSpooled({ gitDir })).toBe(1);
    expect(git(gitDir, ['show', 'main:a.md'])).toBe('a again');
  });

  test('an entry whose parent is not the branch\'s last entry (the history went another way) is dropped, with those after it', async () => {
    const gitDir = store();
    spoolTurn(gitDir, 0);
    await recoverSpooled({ gitDir });
    spoolEntry(gitDir, { message: 'turn 2\n', when: 1_700_000_002_000, parent: { commit: '0'.repeat(40) } }, file('b.md', 'b\n'));
    spoolEntry(gitDir, { message: 'turn 3\n', when: 1_700_000_003_000, parent: { message: 'turn 2\n' } }, file('c.md', 'c\n'));
    expect(await recoverSpooled({ gitDir })).toBe(0);
    expect(git(gitDir, ['log', '--format=%s', 'main'])).toBe('turn 0');
    expect(left(gitDir)).toEqual([]);
  });
});
