import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'tar';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { scratchDir } from '../faults/scratch.js';
import { seededOrg } from './history-org.js';
import { besidesProgress } from '../helpers/progress-lines.js';

/**
 * An imported archive is outside bytes, and a git directory among them is hostile: git runs what its
 * config names (core.fsmonitor on every `git add`, which the history writer runs each turn; filters,
 * hooks), and a tree may hold symlinks that a fork would write. Each archive here is made from a real
 * export, changed the way an attacker would, and must run nothing and write nothing.
 */

let original: string;
beforeAll(() => {
  original = seededOrg();
  const run = lemming(original, ['run', '--turns', '2']);
  expect(run.status).toBe(0);
}, 120_000);

/** Export the original (with its history when asked) and unpack the archive into a folder to tamper with. */
function unpackedExport(withHistory: boolean): string {
  const archive = join(scratchDir('lemming-attack-'), 'org.tar.gz');
  const exported = lemming(original, ['export', ...(withHistory ? ['--history'] : []), archive]);
  expect(besidesProgress(exported.stderr)).toBe('');
  expect(exported.status).toBe(0);
  const folder = scratchDir('lemming-attack-unpacked-');
  execFileSync('tar', ['-xzf', archive, '-C', folder]);
  return folder;
}

/** Pack a tampered folder again, every top-level entry in it (the manifest first, as an export writes it). */
async function repack(folder: string): Promise<string> {
  const archive = join(scratchDir('lemming-attack-'), 'tampered.tar.gz');
  const names = readdirSync(folder).sort((left, right) => (left === 'lemming-export.json' ? -1 : right === 'lemming-export.json' ? 1 : left.localeCompare(right)));
  await create({ gzip: true, file: archive, cwd: folder, portable: true }, names);
  return archive;
}

/** A program that leaves a mark when anything runs it. */
function markingProgram(): { program: string; mark: string } {
  const folder = scratchDir('lemming-attack-mark-');
  const mark = join(folder, 'PWNED');
  const program = join(folder, 'mark.sh');
  writeFileSync(program, `#!/bin/sh\ntouch ${mark}\nexit 0\n`);
  chmodSync(program, 0o755);
  return { program, mark };
}

/** A git repository of our own making, for hostile history content. */
function gitIn(gitDir: string, workTree: string | undefined, args: string[]): string {
  return execFileSync('git', args, {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_DIR: gitDir,
      ...(workTree ? { GIT_WORK_TREE: workTree } : {}),
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@a',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@a',
    },
  });
}

/**
 * Put one more entry on top of the history in the unpacked export at `folder` (its bundle rewritten):
 * the last entry's files with `files` added, each with its mode and content, as an attacker would.
 */
function hostileEntry(folder: string, files: Array<{ mode: string; content: string | Buffer; path: string }>): void {
  const bundle = join(folder, 'lemming-history.bundle');
  expect(existsSync(bundle)).toBe(true);
  const work = scratchDir('lemming-attack-git-');
  const gitDir = join(work, 'store.git');
  const env = { ...process.env, GIT_DIR: gitDir, GIT_INDEX_FILE: join(work, 'index'), GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@a', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@a' };
  const run = (args: string[], input?: string | Buffer): string => execFileSync('git', args, { env, ...(input === undefined ? {} : { input }), maxBuffer: 1024 * 1024 * 1024 }).toString().trim();
  run(['init', '-q', '--bare']);
  run(['fetch', '-q', bundle, 'refs/heads/main:refs/heads/main']);
  run(['read-tree', 'main']);
  for (const file of files) run(['update-index', '--add', '--cacheinfo', `${file.mode},${run(['hash-object', '-w', '--stdin'], file.content)},${file.path}`]);
  const message = 'turn 3: 0 message(s), 0.0000 credits, 1 file(s) changed\n\nLemming-Entry: {"kind":"turn","turn":3,"messages":{},"credits":0,"changed":1,"edited":[],"proposals":[]}\n';
  const commit = run(['commit-tree', run(['write-tree']), '-p', 'main', '-F', '-'], message);
  run(['update-ref', 'refs/heads/main', commit]);
  run(['bundle', 'create', '-q', bundle, 'refs/heads/main']);
}

describe('an imported history is hostile until shown otherwise', () => {
  test('an archive carrying a raw history.git with core.fsmonitor and a hook: refused, and nothing it names ever runs', async () => {
    const folder = unpackedExport(false);
    const { program, mark } = markingProgram();
    const store = join(folder, 'org/state/history.git');
    cpSync(join(original, 'org/state/history.git'), store, { recursive: true });
    writeFileSync(join(store, 'config'), `${readFileSync(join(store, 'config'), 'utf8')}[core]\n\tfsmonitor = ${program}\n\thooksPath = hooks\n`);
    mkdirSync(join(store, 'hooks'), { recursive: true });
    for (const hook of ['pre-commit', 'post-commit', 'post-index-change', 'reference-transaction']) cpSync(program, join(store, 'hooks', hook));
    const archive = await repack(folder);

    const target = join(scratchDir('lemming-attack-target-'), 'org');
    const imported = lemming(target, ['import', archive]);
    // Whatever the import says, the org it makes (if any) must not run the archive's programs.
    if (imported.status === 0) {
      lemming(target, ['send', 'manager', 'One more task.']);
      lemming(target, ['run', '--turns', '1']);
      lemming(target, ['history']);
    }
    expect(existsSync(mark)).toBe(false);
    expect(imported.status).toBe(2);
    expect(imported.stderr).toContain('org/state/history.git');
    expect(existsSync(join(target, 'org'))).toBe(false);
  });

  test('a history bundle whose entry holds a symlink out of the org: refused before anything is written', async () => {
    const folder = unpackedExport(true);
    hostileEntry(folder, [{ mode: '120000', content: '/etc/passwd', path: 'agents/manager/memory/notes.md' }]);
    const archive = await repack(folder);

    const into = join(scratchDir('lemming-attack-target-'), 'org');
    const imported = lemming(into, ['import', archive]);
    expect(imported.status).toBe(2);
    expect(imported.stderr).toMatch(/agents\/manager\/memory\/notes\.md.*symlink/);
    expect(existsSync(join(into, 'org'))).toBe(false);
  });

  test('a "bundle" that is a gitfile pointing at another repository: refused, the other repository never read', async () => {
    const folder = unpackedExport(true);
    const elsewhere = join(scratchDir('lemming-attack-elsewhere-'), 'evil.git');
    gitIn(elsewhere, undefined, ['init', '-q', '--bare']);
    const { program, mark } = markingProgram();
    writeFileSync(join(elsewhere, 'config'), `${readFileSync(join(elsewhere, 'config'), 'utf8')}[core]\n\tfsmonitor = ${program}\n[uploadpack]\n\tpackObjectsHook = ${program}\n`);
    writeFileSync(join(folder, 'lemming-history.bundle'), `gitdir: ${elsewhere}\n`);
    const archive = await repack(folder);

    const into = join(scratchDir('lemming-attack-target-'), 'org');
    const imported = lemming(into, ['import', archive]);
    expect(imported.status).toBe(2);
    expect(imported.stderr).toContain('lemming-history.bundle');
    expect(imported.stderr).toContain('not a git bundle');
    expect(existsSync(mark)).toBe(false);
    expect(existsSync(join(into, 'org'))).toBe(false);
  });

  test('a bundle whose entry names one small file of zeros at many paths (a fork would write 300 MB): refused, naming the entry and the bound', async () => {
    const folder = unpackedExport(true);
    const zeros = Buffer.alloc(10 * 1024 * 1024);
    hostileEntry(
      folder,
      Array.from({ length: 30 }, (_, index) => ({ mode: '100644', content: zeros, path: `workspace/copy-${index}.bin` })),
    );
    const archive = await repack(folder);
    const into = join(scratchDir('lemming-attack-target-'), 'org');
    const imported = lemming(into, ['import', archive]);
    expect(imported.status).toBe(2);
    expect(imported.stderr).toContain('lemming-history.bundle');
    expect(imported.stderr).toMatch(/entry [0-9a-f]{7} holds 30\d\.\d MB of files, more than an entry may: 256\.0 MB \(4 × the org's [\d.]+ KB of files, or 256\.0 MB, whichever is more\)/);
    expect(existsSync(join(into, 'org'))).toBe(false);
   }, 400_000);

  test('a bundle whose entry holds a file outside the org and a history store of its own: refused, naming both', async () => {
    const folder = unpackedExport(true);
    const { program, mark } = markingProgram();
    hostileEntry(folder, [
      { mode: '100755', content: `#!/bin/sh\n${program}\n`, path: 'bin/run.sh' },
      { mode: '100644', content: `[core]\n\tfsmonitor = ${program}\n`, path: 'org/state/history.git/config' },
    ]);
    const archive = await repack(folder);
    const into = join(scratchDir('lemming-attack-target-'), 'org');
    const imported = lemming(into, ['import', archive]);
    expect(imported.status).toBe(2);
    expect(imported.stderr).toMatch(/bin\/run\.sh \(entry [0-9a-f]{7}\) is outside the org's folders/);
    expect(imported.stderr).toMatch(/org\/state\/history\.git\/config \(entry [0-9a-f]{7}\) is machine-local state/);
    expect(existsSync(mark)).toBe(false);
    expect(existsSync(join(into, 'org'))).toBe(false);
  });
});
