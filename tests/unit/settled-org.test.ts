import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OrgLoader } from '../../src/org/load-org.js';
import { loadOrgForReading } from '../../src/org/load-org-once.js';
import { SETTLED_ORG_FILE, SETTLED_STAMPS_FILE } from '../../src/org/settled-org-cache.js';
import { lemming } from '../helpers/cli.js';
import { modulesLoadedBy } from '../helpers/import-graph.js';
import { defaultOrg, read, tempDir, write } from '../helpers/temp-org.js';

const PARSE_CACHE = 'org/state/cache/parse-cache.json';

/** A whole millisecond, so a file's mtime can be put back exactly (a stamp holds fractions of one). */
const STAMPED = new Date('2026-01-02T03:04:05.006Z');
const RESUME = 'agents/coder_01/resume.md';

/** Rewrite a file with text of the same size, its mtime `moveMs` after STAMPED. */
function rewriteSameSize(root: string, file: string, from: string, to: string, moveMs: number): void {
  const text = read(root, file);
  expect(to.length).toBe(from.length);
  expect(text).toContain(from);
  write(root, file, text.replace(from, to));
  const mtime = new Date(STAMPED.getTime() + moveMs);
  utimesSync(join(root, file), mtime, mtime);
}

/** The default org, made ready by `prepare`, loaded once as an engine loads it; the load must leave `kept`. */
function loadOnce(prepare: (root: string) => void, kept: string): string {
  const root = defaultOrg();
  prepare(root);
  new OrgLoader(root).loadOrThrow();
  expect(existsSync(join(root, kept))).toBe(true);
  return root;
}

/** The default org (coder_01's resume stamped at STAMPED), loaded once as an engine loads it: its settled org is kept. */
function loadedOrg(): string {
  return loadOnce((root) => utimesSync(join(root, RESUME), STAMPED, STAMPED), SETTLED_ORG_FILE);
}

describe('a command that reads takes the org as the last error-free load settled it', () => {
  test('when no file changed it parses nothing: with the parse cache gone, a resume overwritten with garbage of the same size and mtime still reads as before', () => {
    const root = loadedOrg();
    rmSync(join(root, PARSE_CACHE));
    // The stamp (mtime and size) is what says a file has not changed, as for the parse cache.
    rewriteSameSize(root, RESUME, 'title:', 'tit[e:', 0);
    const { org, problems } = loadOrgForReading(root);
    expect(problems).toEqual([]);
    expect(org.root).toBe(root);
    expect(org.agents.get('coder_01')?.title).toBe('Software engineer: writes and tests code');
    // The engine's loader trusts the same stamps (an engine opens on the kept org)...
    expect(new OrgLoader(root).load().problems).toEqual([]);
    // ...and with the kept org gone too, parsed afresh, the same files are broken.
    rmSync(join(root, SETTLED_ORG_FILE));
    expect(new OrgLoader(root).load().problems.map((problem) => problem.file)).toContain('agents/coder_01/resume.md');
  });

  test('a resume edited by hand one millisecond later, with the same size, shows at once', () => {
    const root = loadedOrg();
    rewriteSameSize(root, RESUME, 'Software engineer', 'Software engineex', 1);
    expect(loadOrgForReading(root).org.agents.get('coder_01')?.title).toBe('Software engineex: writes and tests code');
  });

  test('a new agent folder, a folder with a bad name and a folder without a resume each show at once', () => {
    const root = loadedOrg();
    write(root, 'agents/coder_02/resume.md', read(root, 'agents/coder_01/resume.md'));
    expect(loadOrgForReading(root).org.agents.has('coder_02')).toBe(true);
    new OrgLoader(root).loadOrThrow();
    mkdirSync(join(root, 'agents', 'Bad Name'));
    expect(loadOrgForReading(root).problems.map((problem) => problem.file)).toContain('agents/Bad Name/');
    mkdirSync(join(root, 'agents', 'tester'));
    const problems = loadOrgForReading(root).problems;
    expect(problems).toContainEqual(expect.objectContaining({ file: 'agents/tester/resume.md', severity: 'error' }));
  });

  test('the warnings of the org as settled are shown again, and an org never loaded without errors is not kept', () => {
    const root = defaultOrg();
    write(root, 'org/chart.yaml', `${read(root, 'org/chart.yaml')}\n  ghost:\n    reports_to: manager\n`);
    const settled = new OrgLoader(root).load().problems;
    expect(settled).toContainEqual(expect.objectContaining({ file: 'org/chart.yaml', severity: 'warning' }));
    expect(loadOrgForReading(root).problems).toEqual(settled);
    const broken = defaultOrg();
    write(broken, 'agents/hr/resume.md', '---\ntitle: [\n---\n');
    new OrgLoader(broken).load();
    expect(existsSync(join(broken, SETTLED_ORG_FILE))).toBe(false);
  });

  test('lemming status on unchanged files loads neither the parsers nor the code that checks and assembles the org; after an edit it does', () => {
    const root = tempDir();
    lemming(root, ['bootstrap']);
    // A whole load keeps the org settled (a first status on an org with no parse cache keeps nothing: tests/e2e/cold-status.test.ts).
    expect(lemming(root, ['validate']).status).toBe(0);
    const loader = ['org/load-org.js', 'org/load-org-once.js', 'org/parse-files.js', 'org/settle-org.js', 'org/assemble-org.js', 'org/parsed-file-cache.js', 'org/parsed-files.js'];
    const unchanged = modulesLoadedBy(['--root', root, 'status']);
    expect(unchanged.status).toBe(0);
    expect(unchanged.stdout).toMatch(/coder_01 +offline +0\.5000/);
    expect(unchanged.modules.filter((module) => loader.includes(module))).toEqual([]);
    write(root, RESUME, read(root, RESUME).replace('credits: 0.5', 'credits: 0.25'));
    const edited = modulesLoadedBy(['--root', root, 'status']);
    expect(edited.stdout).toMatch(/coder_01 +offline +0\.2500/);
    expect(edited.modules).toEqual(expect.arrayContaining(['org/load-org.js', 'org/settle-org.js']));
  });

  test('lemming status on the built CLI shows a hand edit of the same size made a millisecond after the last load', () => {
    const root = tempDir();
    lemming(root, ['bootstrap']);
    utimesSync(join(root, RESUME), STAMPED, STAMPED);
    expect(lemming(root, ['validate']).status).toBe(0);
    expect(existsSync(join(root, SETTLED_ORG_FILE))).toBe(true);
    expect(lemming(root, ['status']).stdout).toMatch(/coder_01 +offline +0\.5000/);
    rewriteSameSize(root, RESUME, 'credits: 0.5', 'credits: 0.7', 1);
    expect(lemming(root, ['status']).stdout).toMatch(/coder_01 +offline +0\.7000 \/ 0\.7000/);
  });
});

/** The default org made "big" (more agents than a turn's look), its `agents/` folder's time settled, loaded once as an engine loads it. */
function bigLoadedOrg(): string {
  return loadOnce((root) => {
    const orgFile = join(root, 'org/org.yaml');
    writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace('engine:\n', 'engine:\n  changes:\n    scan_per_turn: 2\n'));
    // A time with a part below the second, long past: one the quick key may trust.
    utimesSync(join(root, 'agents'), STAMPED, STAMPED);
  }, SETTLED_STAMPS_FILE);
}

describe('an org bigger than a turn\'s look opens on its quick key: no resume is looked at until the first full load', () => {
  test('a resume edited while no engine ran: the open keeps the org as settled, the next load (the engine\'s first turn) takes the edit', () => {
    const root = bigLoadedOrg();
    write(root, RESUME, read(root, RESUME).replace('Software engineer', 'Software engineer, edited by hand'));
    const loader = new OrgLoader(root);
    expect(loader.loadOrThrow().org.agents.get('coder_01')?.title).toBe('Software engineer: writes and tests code');
    // lemming status looks at every resume, and shows the edit (tests/unit/status-hand-edits.test.ts).
    expect(loadOrgForReading(root).org.agents.get('coder_01')?.title).toBe('Software engineer, edited by hand: writes and tests code');
    const next = loader.load();
    expect(next.reloaded).toEqual([RESUME]);
    expect(next.org.agents.get('coder_01')?.title).toBe('Software engineer, edited by hand: writes and tests code');
    // Settled again, and kept: the next open has the edit.
    expect(new OrgLoader(root).loadOrThrow().org.agents.get('coder_01')?.title).toBe('Software engineer, edited by hand: writes and tests code');
  });

  test('a resume broken by hand while no engine ran is found by the first full load, which keeps its last valid version', () => {
    const root = bigLoadedOrg();
    write(root, RESUME, '---\ntitle: [unclosed\n---\n');
    const loader = new OrgLoader(root);
    expect(loader.loadOrThrow().problems).toEqual([]);
    const next = loader.load();
    expect(next.problems.map((problem) => problem.file)).toContain(RESUME);
    expect(next.keptLastValid).toBe(true);
    expect(next.org.agents.get('coder_01')?.title).toBe('Software engineer: writes and tests code');
  });

  test('a new agent folder moves the time of agents/: the quick key no longer holds, and the new agent shows at once', () => {
    const root = bigLoadedOrg();
    write(root, 'agents/coder_02/resume.md', read(root, RESUME));
    expect([...loadOrgForReading(root).org.agents.keys()]).toContain('coder_02');
    expect([...new OrgLoader(root).loadOrThrow().org.agents.keys()]).toContain('coder_02');
  });

  test('with the kept stamps gone, the first full load settles the org again from its files', () => {
    const root = bigLoadedOrg();
    rmSync(join(root, SETTLED_STAMPS_FILE));
    write(root, RESUME, read(root, RESUME).replace('Software engineer', 'Software engineer, edited by hand'));
    const loader = new OrgLoader(root);
    loader.loadOrThrow();
    expect(loader.load().org.agents.get('coder_01')?.title).toBe('Software engineer, edited by hand: writes and tests code');
  });

  test('an org no bigger than a turn\'s look keeps no quick key: a resume edit shows at the open', () => {
    const root = loadedOrg();
    expect(existsSync(join(root, SETTLED_STAMPS_FILE))).toBe(false);
  });
});
