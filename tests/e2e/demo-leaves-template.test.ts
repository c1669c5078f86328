import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function git(cwd: string, args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/**
 * A clone as a newcomer has it: the repository's tracked files committed in a git repository of
 * their own, with the built `dist/` and `node_modules` beside them (what `npm install` makes).
 */
function cloneOfPackage(): string {
  const clone = join(tempDir('lemming-clone-'), 'lemming');
  for (const file of git(REPO_ROOT, ['ls-files', '-z']).split('\0').filter(Boolean)) {
    if (!existsSync(join(REPO_ROOT, file))) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(clone, file));
  }
  cpSync(join(REPO_ROOT, 'dist'), join(clone, 'dist'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'));
  git(clone, ['init', '-q']);
  writeFileSync(join(clone, '.git/info/exclude'), 'node_modules\n');
  git(clone, ['add', '.']);
  git(clone, ['commit', '-qm', 'the clone']);
  return clone;
}

/** A command line run in the clone, as a person types it there (`npx lemming ...` runs the same file). */
function inClone(clone: string, line: string): { status: number | null; output: string } {
  const result = spawnSync('sh', ['-c', line], { cwd: clone, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Every file under a folder, relative to it, with its text. */
function filesOf(folder: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(folder, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else found[path] = readFileSync(join(folder, path), 'utf8');
    }
  };
  walk('');
  return found;
}

test("playing with `npm start`'s demo (a hire approved, a reset) changes neither the default org `bootstrap` writes nor any tracked file", () => {
  const clone = cloneOfPackage();
  const cli = 'node dist/cli/main.js';
  const pristine = join(tempDir('lemming-org-'), 'before');
  expect(inClone(clone, `${cli} --root ${pristine} bootstrap`).status).toBe(0);

  const start = (JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const first = inClone(clone, start);
  expect(first.status, first.output).toBe(0);
  // The demo says where its org is, and how to reach it from anywhere.
  expect(first.output.split('\n')[0]).toMatch(/\.demo.*--root/);
  expect(first.output).toMatch(/the org is idle/);

  // A newcomer asks the demo's org to hire, runs it again and approves the hire, in the clone.
  expect(inClone(clone, `${cli} send manager "Please hire a writer for the user guide"`).status).toBe(0);
  expect(inClone(clone, start).status).toBe(0);
  const listed = inClone(clone, `${cli} approvals --json`);
  const [proposal] = JSON.parse(listed.output) as Array<{ id: string; hire?: { name: string } }>;
  expect(proposal?.hire?.name).toBe('writer_01');
  const approved = inClone(clone, `${cli} approve ${proposal?.id}`);
  expect(approved.output).toMatch(/approved .*hire writer_01/);
  expect(approved.status).toBe(0);
  expect(git(clone, ['status', '--porcelain'])).toBe('');

  // The next bootstrap anywhere writes the template's org, not the demo's.
  const after = join(tempDir('lemming-org-'), 'after');
  expect(inClone(clone, `${cli} --root ${after} bootstrap`).status).toBe(0);
  expect(existsSync(join(after, 'agents', 'writer_01'))).toBe(false);
  expect(filesOf(after)).toEqual(filesOf(pristine));

  // Resetting the demo's org, and running it afresh, leave the clone as committed too.
  expect(inClone(clone, `${cli} reset --yes`).status).toBe(0);
  expect(inClone(clone, start).status).toBe(0);
  expect(git(clone, ['status', '--porcelain'])).toBe('');
});
