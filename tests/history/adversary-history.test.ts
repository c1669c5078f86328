import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, lemming, lemmingAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { historyEntries, seededOrg } from './history-org.js';
import { besidesProgress } from '../helpers/progress-lines.js';

const WORKSPACE = 'agents/coder_01/workspace';

/** Each turn once, in order: what a complete history lists. */
function keptTurns(root: string): string[] {
  return historyEntries(root)
    .filter((entry) => entry.kind === 'turn')
    .map((entry) => `turn ${entry.turn}`);
}

/** The seeded org, its coder's workspace made (a new org has none until the coder writes). */
function orgWithWorkspace(): string {
  const root = seededOrg();
  mkdirSync(join(root, WORKSPACE), { recursive: true });
  return root;
}

/** Run the org to idle; the run must end well, whatever it warned of. */
async function runToEnd(root: string): Promise<string> {
  const run = await lemmingAsync(root, ['run', '--plain']);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain('the org is idle');
  return `${run.stdout}\n${run.stderr}`;
}

/** Make a chain of `depth` folders named `d` below `folder`, deeper than the host's PATH_MAX, as a command can (one relative mkdir at a time). */
function deepChain(folder: string, depth: number): void {
  execFileSync('python3', ['-c', `import os\nos.chdir(${JSON.stringify(folder)})\nfor _ in range(${depth}):\n    os.mkdir('d' * 200)\n    os.chdir('d' * 200)\nopen('bottom.txt', 'w').write('x')`]);
}

/**
 * What lemming does afterwards with what an agent wrote: its history, forks and exports read the
 * workspaces, and an agent chose what they hold. Each finding here stopped or fooled the history
 * before: a workspace's `.gitattributes` beside a `.git` folder made every later `git add` fail, a
 * chain of folders deeper than PATH_MAX did the same and stopped export and backup, a nested
 * repository was recorded as a gitlink (its files in no entry, a fork an empty folder), a link made
 * `export --history` refuse until pruned, and three sparse files of 1000 MB were read whole into
 * memory by the next entry. Now the history is written from the one walker's view of the org, by
 * git fast-import, and what the walker leaves out is said.
 */
describe('nothing in a workspace stops or fools the history', () => {
  test("a workspace's .gitattributes beside a folder named .git: every turn is still recorded", async () => {
    const root = orgWithWorkspace();
    mkdirSync(join(root, WORKSPACE, '.git'), { recursive: true });
    writeFileSync(join(root, WORKSPACE, '.gitattributes'), '* working-tree-encoding=UTF-16\n');
    writeFileSync(join(root, WORKSPACE, 'notes.md'), 'plain UTF-8 notes\n');
    await runToEnd(root);
    const state = JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number };
    expect(keptTurns(root)).toEqual(Array.from({ length: state.turn + 1 }, (_, turn) => `turn ${turn}`));
    // Recorded as the bytes it holds, not re-encoded.
    expect(lemming(root, ['show', '--at', String(state.turn), `${WORKSPACE}/notes.md`]).stdout).toBe('plain UTF-8 notes\n');
  }, 180_000);

  test('a chain of folders deeper than PATH_MAX: the history, export and backup go on, the chain left out and named', async () => {
    const root = orgWithWorkspace();
    deepChain(join(root, WORKSPACE), 30);
    const output = await runToEnd(root);
    expect(output).toMatch(/the history leaves out \d+ path\(s\) that are not plain files or are past a workspace's bounds: agents\/coder_01\/workspace\/d+(\/d+)*/);
    const state = JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number };
    expect(keptTurns(root)).toHaveLength(state.turn + 1);
    const archive = join(tempDir(), 'org.tar.gz');
    const exported = lemming(root, ['export', archive]);
    expect(besidesProgress(exported.stderr)).toBe('');
    expect(exported.status).toBe(0);
    const backup = lemming(root, ['backup']);
    expect(backup.status, backup.stderr).toBe(0);
    // Node's rmSync cannot remove a path past PATH_MAX; Python's rmtree walks by descriptors.
    execFileSync('python3', ['-c', 'import shutil, sys; shutil.rmtree(sys.argv[1])', join(root, WORKSPACE)]);
  }, 180_000);

  test("a nested git repository's files are recorded, and fork --at writes them; its .git is left out and named", async () => {
    const root = orgWithWorkspace();
    const repo = join(root, WORKSPACE, 'project');
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'main.py'), 'print("hello")\n');
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, '-c', 'user.name=a', '-c', 'user.email=a@b', 'add', 'main.py']);
    execFileSync('git', ['-C', repo, '-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-qm', 'first']);
    const output = await runToEnd(root);
    expect(output).toContain(`${WORKSPACE}/project/.git (a nested git repository)`);
    const fork = join(tempDir(), 'fork');
    const forked = lemming(fork, ['fork', '--from', root, '--at', '1']);
    expect(forked.status, forked.stderr).toBe(0);
    expect(readFileSync(join(fork, WORKSPACE, 'project/main.py'), 'utf8')).toBe('print("hello")\n');
    expect(existsSync(join(fork, WORKSPACE, 'project/.git'))).toBe(false);
  }, 180_000);

  test('a symbolic link in a workspace (an npm install leaves many) is left out and named, and export --history works', async () => {
    const root = orgWithWorkspace();
    mkdirSync(join(root, WORKSPACE, 'node_modules/.bin'), { recursive: true });
    writeFileSync(join(root, WORKSPACE, 'node_modules/tool.js'), 'console.log(1)\n');
    symlinkSync('../tool.js', join(root, WORKSPACE, 'node_modules/.bin/tool'));
    symlinkSync('/etc/passwd', join(root, WORKSPACE, 'passwd'));
    const output = await runToEnd(root);
    expect(output).toContain(`${WORKSPACE}/node_modules/.bin/tool (a symbolic link)`);
    const archive = join(tempDir(), 'org.tar.gz');
    const exported = lemming(root, ['export', '--history', archive]);
    expect(besidesProgress(exported.stderr)).toBe('');
    expect(exported.status).toBe(0);
    const imported = join(tempDir(), 'imported');
    expect(lemming(imported, ['import', archive]).status).toBe(0);
    expect(readFileSync(join(imported, WORKSPACE, 'node_modules/tool.js'), 'utf8')).toBe('console.log(1)\n');
  }, 180_000);

  test('three sparse files of 200 MiB against a quota of 256: the history reads them a piece at a time (lemming stays under 300 MB), and what passes the quota is left out and named', async () => {
    const root = orgWithWorkspace();
    writeFileSync(join(root, 'org/org.yaml'), readFileSync(join(root, 'org/org.yaml'), 'utf8').replace(/^engine:\n/m, 'engine:\n  sandbox: { disk_mb: 256 }\n'));
    for (const name of ['a.img', 'b.img', 'c.img']) {
      writeFileSync(join(root, WORKSPACE, name), '');
      truncateSync(join(root, WORKSPACE, name), 200 * 1024 * 1024);
    }
    // The peak resident memory of the run, as the kernel counts it for a child (python's getrusage of its children).
    const measured = spawnSync(
      'python3',
      ['-c', `import resource, subprocess, sys\nrun = subprocess.run(sys.argv[1:], capture_output=True, text=True)\nprint(run.returncode)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\nprint(run.stdout + run.stderr)`, process.execPath, CLI, '--root', root, 'run', '--plain'],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    const [status, maxRssKb, ...rest] = measured.stdout.split('\n');
    expect(status).toBe('0');
    expect(Number(maxRssKb)).toBeLessThan(300 * 1024);
    // One file of 200 MiB fits what a reader takes of a workspace of 256 MiB, the next two do not.
    expect(rest.join('\n')).toMatch(/agents\/coder_01\/workspace\/b\.img \([\d.,]+ MB, past what the folder's files may hold together\)/);
    const state = JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number };
    expect(keptTurns(root)).toHaveLength(state.turn + 1);
  }, 300_000);

  test('a turn the history cannot record is said in the run, in status and to the human, and the next turn records it', async () => {
    const root = orgWithWorkspace();
    expect((await lemmingAsync(root, ['run', '--turns', '1', '--plain'])).status).toBe(0);
    // The store's packs cannot be written: git fast-import fails, whatever the files.
    const packs = join(root, 'org/state/history.git/objects/pack');
    execFileSync('sh', ['-c', `mv '${packs}' '${packs}.kept' && touch '${packs}'`]);
    const broken = await lemmingAsync(root, ['run', '--turns', '1', '--plain']);
    expect(broken.status).toBe(0);
    expect(`${broken.stdout}${broken.stderr}`).toMatch(/the history \(org\/state\/history\.git\).*not written/);
    const status = lemming(root, ['status']);
    expect(status.stdout).toMatch(/the history is behind: it has recorded no turn since turn \d+ \(/);
    const inbox = lemming(root, ['inbox', '--all']);
    expect(inbox.stdout).toContain('The history did not record turn');
    execFileSync('sh', ['-c', `rm '${packs}' && mv '${packs}.kept' '${packs}'`]);
    await runToEnd(root);
    expect(lemming(root, ['status']).stdout).not.toContain('the history is behind');
    const state = JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number };
    expect(keptTurns(root).at(-1)).toBe(`turn ${state.turn}`);
  }, 180_000);
});
