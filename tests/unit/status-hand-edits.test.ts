import { cpSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { OrgLoader } from '../../src/org/load-org.js';
import { loadOrgForReading, loadOrgFromFiles } from '../../src/org/load-org-once.js';
import { readSettledOrg } from '../../src/org/kept-org-with-edits.js';
import { parseResume } from '../../src/org/parse-files.js';
import { lemming } from '../helpers/cli.js';
import { modulesLoadedBy } from '../helpers/import-graph.js';
import { DEFAULT_ORG, defaultOrg, read, tempDir, write } from '../helpers/temp-org.js';

const STAMPED = new Date('2026-01-02T03:04:05.006Z');
const RESUME = 'agents/coder_01/resume.md';

/**
 * The default org made "big" (more agents than a turn's look, so a command that reads takes it by its
 * quick key), its org files' and `agents/` folder's times settled on a whole millisecond (so a copy
 * keeps them exactly), loaded once as an engine loads it.
 */
function settledBigOrg(orgYamlTail = '', root = defaultOrg()): string {
  write(root, 'org/org.yaml', `${read(root, 'org/org.yaml').replace('engine:\n', 'engine:\n  changes:\n    scan_per_turn: 2\n')}${orgYamlTail}`);
  const files = ['org/org.yaml', 'org/chart.yaml', ...readdirSync(join(root, 'agents')).map((name) => `agents/${name}/resume.md`), 'agents'];
  for (const file of files) utimesSync(join(root, file), STAMPED, STAMPED);
  new OrgLoader(root).loadOrThrow();
  return root;
}

/** Made once for the file (tempDir's folders go after each test), removed after it. */
let settled: string | undefined;
afterAll(() => {
  if (settled) rmSync(settled, { recursive: true, force: true });
});

/** A copy of the settled big org, its times kept: each test edits its own. */
function bigOrg(): string {
  if (!settled) {
    settled = mkdtempSync(join(tmpdir(), 'lemming-status-edits-'));
    bootstrapOrg(settled, DEFAULT_ORG);
    settledBigOrg('', settled);
  }
  const root = tempDir();
  cpSync(settled, root, { recursive: true, preserveTimestamps: true });
  utimesSync(join(root, 'agents'), STAMPED, STAMPED);
  return root;
}

/** The org and problems a load of every file from scratch gives (no cache of any kind): what a hand edit must read as. */
function fromScratch(root: string): { org: unknown; problems: unknown } {
  rmSync(join(root, 'org', 'state', 'cache'), { recursive: true, force: true });
  const { org, problems } = loadOrgFromFiles(root);
  return { org, problems };
}

describe('a command that reads sees a resume edited by hand in a big org, parsing only that resume', () => {
  test('credits edited by hand show at once, and only the edited resume is parsed', () => {
    const root = bigOrg();
    write(root, RESUME, read(root, RESUME).replace('credits: 0.5', 'credits: 0.75'));
    const kept = readSettledOrg(root, () => parseResume);
    expect(kept?.reparsed).toEqual([RESUME]);
    expect(kept?.org.agents.get('coder_01')?.credits).toBe(0.75);
    expect(loadOrgForReading(root).org.agents.get('coder_01')?.credits).toBe(0.75);
  });

  test('nothing edited: nothing parsed', () => {
    const root = bigOrg();
    expect(readSettledOrg(root, () => parseResume)?.reparsed).toEqual([]);
  });

  // Each edit, read by the kept org and its edits, is what a load of every file from scratch reads.
  const edits: Array<[string, (text: string) => string]> = [
    ['credits', (text) => text.replace('credits: 0.5', 'credits: 1.25')],
    ['a quoted title and a list of models', (text) => text.replace(/title: .*\n/, 'title: "Coder: \\"fast\\" # not a comment"\n').replace('model: offline', 'model: [offline, gpt-4o-mini]')],
    ['tools as a block list with comments (no plain form: the YAML parser reads it)', (text) => text.replace(/tools: .*\n/, 'tools:   # granted\n  - send_message\n  - read_file\n')],
    ['a memory of its own and a persona', (text) => text.replace('credits: 0.5\n', 'credits: 0.5\nmemory: { budget_tokens: 300 }\npersona:\n  age: 34\n  department: "sales, north"\n')],
    ['memory off, a schedule and a shared workspace it may write', (text) => text.replace('credits: 0.5\n', 'credits: 0.5\nmemory: off\nschedule: { every: 3, offset: 1 }\nshared_workspace: write\n')],
    ['a person in the engine\'s place (model: human, no credits)', (text) => text.replace('model: offline\ncredits: 0.5\n', 'model: human\n')],
    ['command limits of its own (a dry run\'s bounds) and hosts it may fetch', (text) => text.replace('credits: 0.5\n', 'credits: 0.5\nsandbox: { disk_mb: 50, max_files: 300 }\nweb_allow: [docs.python.org]\n')],
    ['only the instructions', (text) => `${text}\nAlso keep a changelog.\n`],
    ['a byte order mark and CRLF line ends', (text) => `\uFEFF${text.replaceAll('\n', '\r\n')}`],
  ];
  for (const [what, edit] of edits) {
    test(`an edit of ${what} reads as from scratch`, () => {
      const root = bigOrg();
      write(root, RESUME, edit(read(root, RESUME)));
      const kept = readSettledOrg(root, () => parseResume);
      expect(kept?.reparsed).toEqual([RESUME]);
      expect({ org: kept?.org, problems: kept?.problems }).toEqual(fromScratch(root));
    });
  }

  test('an org that keeps memory: an edited resume without a memory of its own takes org.yaml\'s, as from scratch', () => {
    const root = settledBigOrg('\nmemory: { keep: true, budget_tokens: 500, reflect: { every: 7 } }\n');
    write(root, RESUME, read(root, RESUME).replace('credits: 0.5', 'credits: 0.6'));
    const kept = readSettledOrg(root, () => parseResume);
    expect(kept?.reparsed).toEqual([RESUME]);
    expect(kept?.org.agents.get('coder_01')?.memory?.budgetTokens).toBe(500);
    expect({ org: kept?.org, problems: kept?.problems }).toEqual(fromScratch(root));
  });

  test('every resume touched (stamps moved, texts the same): each parsed again, the org as from scratch', () => {
    const root = bigOrg();
    const names = [...loadOrgForReading(root).org.agents.keys()];
    const later = new Date(Date.now() - 5_000);
    for (const name of names) utimesSync(join(root, 'agents', name, 'resume.md'), later, later);
    const kept = readSettledOrg(root, () => parseResume);
    expect(kept?.reparsed).toHaveLength(names.length);
    expect({ org: kept?.org, problems: kept?.problems }).toEqual(fromScratch(root));
  });

  // Anything that is not a valid resume on its own and with the rest is left to the whole load, which says what is wrong.
  const broken: Array<[string, (root: string) => void, string]> = [
    ['a model the registry lacks', (root) => write(root, RESUME, read(root, RESUME).replace('model: offline', 'model: gpt-9')), RESUME],
    ['broken YAML', (root) => write(root, RESUME, '---\ntitle: [unclosed\n---\n'), RESUME],
    ['an MCP grant of a server org.yaml does not declare', (root) => write(root, RESUME, read(root, RESUME).replace('tools: [', 'tools: [files/*, ')), RESUME],
    ['the person\'s resume made an engine agent', (root) => write(root, 'agents/human/resume.md', read(root, 'agents/human/resume.md').replace('model: human', 'model: offline\ncredits: 1')), 'agents/human/resume.md'],
    ['a tool that is neither a built-in, an MCP grant nor a command tool org.yaml declares', (root) => write(root, RESUME, read(root, RESUME).replace('tools: [', 'tools: [tidy_up, ')), RESUME],
    ['a resume removed', (root) => rmSync(join(root, RESUME)), RESUME],
  ];
  for (const [what, breakIt, file] of broken) {
    test(`${what}: the whole load reads the files and says so`, () => {
      const root = bigOrg();
      breakIt(root);
      expect(readSettledOrg(root, () => parseResume)).toBeUndefined();
      const problems = loadOrgForReading(root).problems;
      expect(problems).toContainEqual(expect.objectContaining({ file, severity: 'error' }));
    });
  }
});

describe('lemming status on the built CLI in a big org', () => {
  test('shows a resume\'s credits edited by hand at the next call, without loading the whole loader', () => {
    const root = bigOrg();
    expect(lemming(root, ['status']).stdout).toMatch(/coder_01 +offline +0\.5000 \/ 0\.5000/);
    write(root, RESUME, read(root, RESUME).replace('credits: 0.5', 'credits: 0.7'));
    const edited = modulesLoadedBy(['--root', root, 'status']);
    expect(edited.status).toBe(0);
    expect(edited.stdout).toMatch(/coder_01 +offline +0\.7000 \/ 0\.7000/);
    // The one resume is parsed; nothing reads, settles or assembles the other files.
    expect(edited.modules).toContain('org/parse-files.js');
    expect(edited.modules.filter((module) => ['org/load-org.js', 'org/load-org-once.js', 'org/settle-org.js', 'org/assemble-org.js', 'org/parsed-file-cache.js'].includes(module))).toEqual([]);
  });
});
