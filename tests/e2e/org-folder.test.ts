import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { CLI, lemming, type CliResult } from '../helpers/cli.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';

/** The built binary run in `cwd` as a person types it there: no --root unless `args` has one. */
function lemmingIn(cwd: string, args: string[]): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Every file and folder under `root`, relative, sorted: what a command may not change. */
function listing(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      found.push(relative(root, path) + (entry.isDirectory() ? '/' : ''));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return found.sort();
}

/** A JavaScript project's folder: not an org's. */
function projectFolder(): string {
  const root = tempDir('lemming-project-');
  writeFileSync(join(root, 'package.json'), '{ "name": "my-app" }\n');
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src/index.js'), 'console.log("hi");\n');
  return root;
}

/** An experiment on `base` (absolute), one run, one turn, written outside the folders under test. */
function experimentFile(base: string): string {
  const file = join(tempDir('lemming-study-'), 'study.yaml');
  writeFileSync(file, `name: study\nbase: ${base}\nturns: 1\nmessages:\n  - to: manager\n    subject: Notes\n    body: Please write the release notes.\nvariants:\n  - name: baseline\n`);
  return file;
}

// Made again for each test: temporary folders are removed after each.
let archive: string;
let base: string;
beforeEach(() => {
  base = defaultOrg();
  archive = join(tempDir('lemming-archive-'), 'lab.tar.gz');
  const exported = lemming(base, ['export', archive]);
  expect(exported.status, exported.stderr).toBe(0);
});

/** The four commands that write an org, as run in a folder. */
const writers = (): Array<{ command: string; args: string[] }> => [
  { command: 'import', args: ['import', archive] },
  { command: 'bootstrap', args: ['bootstrap'] },
  { command: 'demo', args: ['demo', '--turns', '1'] },
  { command: 'experiment', args: ['experiment', experimentFile(base)] },
];

describe('commands write an org only into a folder that holds nothing but an org', () => {
  test('in a project\'s folder (package.json, src/) without --root, import, bootstrap, demo and experiment refuse, naming the folder, what it holds and --root; nothing is written', () => {
    for (const { command, args } of writers()) {
      const project = projectFolder();
      const before = listing(project);
      const result = lemmingIn(project, args);
      expect(result.status, `${command}: ${result.stdout}${result.stderr}`).toBe(2);
      expect(result.stderr, command).toContain(`${project} holds files that are not an org's (package.json, src/)`);
      expect(result.stderr, command).toContain(`\`lemming ${command}\` writes an org only into a folder that is new, empty, or holds nothing but an org`);
      expect(result.stderr, command).toContain(`pass --root DIR with a new or empty folder, e.g. --root ${join(project, 'lemming-org')}`);
      expect(listing(project), command).toEqual(before);
    }
  });

  test('the same with --root naming such a folder: --root does not make a project\'s folder an org\'s', () => {
    const project = projectFolder();
    for (let index = 0; index < 5; index += 1) writeFileSync(join(project, `notes-${index}.md`), 'mine\n');
    const before = listing(project);
    const result = lemming(project, ['bootstrap']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("(notes-0.md, notes-1.md, notes-2.md, notes-3.md and 3 more)");
    expect(listing(project)).toEqual(before);
  });

  test('with --root into an empty folder (or one not made yet), each of them writes its org', { timeout: 120_000 }, () => {
    const empty = (): string => tempDir('lemming-empty-');
    const imported = join(empty(), 'lab');
    const importing = lemming(imported, ['import', archive]);
    expect(importing.status, importing.stderr).toBe(0);
    expect(existsSync(join(imported, 'org/org.yaml'))).toBe(true);

    const bootstrapped = empty();
    expect(lemming(bootstrapped, ['bootstrap']).status).toBe(0);
    expect(existsSync(join(bootstrapped, 'org/org.yaml'))).toBe(true);

    const demo = empty();
    const demoRun = lemming(demo, ['demo', '--turns', '1']);
    expect(demoRun.status, demoRun.stderr).toBe(0);
    expect(readdirSync(join(demo, 'agents/human/outbox')).length).toBe(1);

    const studies = empty();
    const experiment = lemming(studies, ['experiment', experimentFile(base)]);
    expect(experiment.status, experiment.stderr).toBe(0);
    expect(existsSync(join(studies, 'experiments/study/baseline/org/org.yaml'))).toBe(true);
    expect(existsSync(join(studies, 'experiments/study/report.md'))).toBe(true);
  });

  test('a folder holding only what is kept with an org (.git, .gitignore, .env, .env.local) is an org\'s: bootstrap writes there', () => {
    const root = tempDir('lemming-kept-');
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, '.gitignore'), '.env\n');
    writeFileSync(join(root, '.env'), 'OPENAI_API_KEY=sk-test\n');
    writeFileSync(join(root, '.env.local'), '');
    const result = lemmingIn(root, ['bootstrap']);
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(root, 'org/org.yaml'))).toBe(true);
  });

  test('a folder that holds an org already, even beside a project\'s files (as this repository does), keeps each command\'s behaviour there: bootstrap repairs, import refuses', () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'package.json'), '{ "name": "my-app" }\n');
    const repaired = lemmingIn(root, ['bootstrap']);
    expect(repaired.status, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('the org is already in place; nothing to do');
    const imported = lemmingIn(root, ['import', archive]);
    expect(imported.status).toBe(2);
    expect(imported.stderr).toContain(`${root} already holds an org (org/, agents/ there); an import never writes over one`);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe('{ "name": "my-app" }\n');
  });

  test("a folder inside another org's agents/, org/ or workspace/ is refused by import, bootstrap, demo and fork, naming that org; the org is left as it was", { timeout: 120_000 }, () => {
    // Before, `fork --root ORG/agents/copy` wrote the fork there, and ORG itself no longer ran:
    // "agents/copy/resume.md: is missing: every folder under agents/ needs a resume.md".
    expect(lemming(base, ['run-once']).status).toBe(0);
    mkdirSync(join(base, 'workspace'), { recursive: true });
    const before = listing(base);
    for (const inside of ['agents/copy', 'org/copy', 'workspace/copy']) {
      const root = join(base, inside);
      for (const args of [['import', archive], ['bootstrap'], ['demo', '--turns', '1'], ['fork', '--from', base, '--at', '1']]) {
        const result = lemming(root, args);
        expect(result.status, `${args[0]} ${inside}: ${result.stdout}${result.stderr}`).toBe(2);
        expect(result.stderr, `${args[0]} ${inside}`).toContain(`${root}: lies inside the org in ${base} (its ${inside.split('/')[0]}/ folder), which would take it for part of itself`);
        expect(result.stderr).toContain(`give a folder outside that org, e.g. --root ${join(base, '..', 'copy')}`);
      }
    }
    expect(listing(base)).toEqual(before);
    expect(lemming(base, ['validate']).status).toBe(0);
    // Beside the org's folders, as experiments and backups are, is not inside them.
    mkdirSync(join(base, 'forks'));
    const beside = lemming(join(base, 'forks', 'first'), ['fork', '--from', base, '--at', '1']);
    expect(beside.status, beside.stderr).toBe(0);
  });

  test('an experiment never clears a folder of a person\'s that has a run\'s name', () => {
    const studies = tempDir('lemming-studies-');
    mkdirSync(join(studies, 'experiments/study/baseline'), { recursive: true });
    writeFileSync(join(studies, 'experiments/study/baseline/notes.md'), 'mine\n');
    const file = experimentFile(base);
    const result = lemming(studies, ['experiment', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${join(studies, 'experiments/study/baseline')} holds files that are not an org's (notes.md)`);
    expect(result.stderr).toContain(`move it away, or name the experiment otherwise in ${file}`);
    expect(readFileSync(join(studies, 'experiments/study/baseline/notes.md'), 'utf8')).toBe('mine\n');
  });
});
