import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { docSection, fencedBlock } from '../helpers/docs.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { compileAsUser, runAsUser } from '../library/typescript-user.js';

function npm(cwd: string, args: string[]): string {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 300_000 });
  expect(result.status, `npm ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

const USER_PROGRAM = `import { bootstrap, inbox, openOrg, send, type EngineEvent } from 'lemming';

const root = 'org';
bootstrap(root);
send(root, { to: 'manager', subject: 'Plan the first release', body: 'Plan the first release' });
const org = openOrg(root);
let last: EngineEvent | undefined;
for await (const event of org.run()) last = event;
await org.close();
if (last?.type === 'run-finished') console.log(\`\${last.reason} after \${last.turns} turns\`);
const answer = inbox(root).messages.filter((message) => message.unread).at(-1);
console.log(\`\${answer?.from}: \${answer?.subject}\`);
`;

/** docs/api.md's complete study (populate, an experiment with a survey, calibration, the CSV tables), as the page includes it. */
const STUDY_PROGRAM = readFileSync(join(REPO_ROOT, 'tests/library/study-example.ts'), 'utf8');

/**
 * docs/api.md's TypeScript examples, in order: compiled in the same project as the programs above, so
 * tsc checks lemming's declarations (and the zod types they carry, most of its eight seconds) once for
 * all of them, against the package a user installs.
 */
const API_EXAMPLES = [...readFileSync(join(REPO_ROOT, 'docs/api.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

test('a TypeScript program outside the repository installs the packed tarball, runs the default org to idle and prints the human’s answer; the study and every example of docs/api.md typecheck against it and do what the page says', { timeout: 600_000 }, () => {
  const folder = tempDir();
  // The tarball as it would be published (dist/ is built before the tests run).
  const packed = JSON.parse(npm(REPO_ROOT, ['pack', '--json', '--ignore-scripts', '--pack-destination', folder])) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const paths = packed[0]!.files.map((file) => file.path);
  expect(paths).toContain('dist/library/index.d.ts');
  expect(paths).toContain('dist/cli/main.js');
  expect(paths).toContain('templates/software-team/org/org.yaml');
  expect(paths).toContain('data/gss-2018/reference.yaml');
  expect(paths.filter((path) => /^(tests|bench|src|scripts)\/|\.test\.|dist-bench|\.work\//.test(path))).toEqual([]);

  const user = join(folder, 'user');
  mkdirSync(user);
  writeFileSync(join(user, 'package.json'), '{"name":"a-user","private":true,"type":"module"}\n');
  npm(user, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(folder, packed[0]!.filename)]);
  expect(readdirSync(join(user, 'node_modules', 'lemming', 'dist', 'library'))).toContain('index.js');

  expect(API_EXAMPLES).toHaveLength(4);
  const examples = Object.fromEntries(API_EXAMPLES.map((text, index) => [`example-${index + 1}.ts`, text]));
  compileAsUser(user, { 'main.ts': USER_PROGRAM, 'study.ts': STUDY_PROGRAM, ...examples });
  const output = runAsUser(user, 'main.ts');
  expect(output).toContain('idle after 5 turns');
  expect(output).toContain('manager: Re: Plan the first release');

  const study = runAsUser(user, 'study.ts');
  // What the page says it prints, line for line: the offline model's figures are the same on every machine.
  const section = docSection('docs/api.md', '## A complete study');
  expect(study).toBe(fencedBlock(section.slice(section.indexOf('It prints')), 'populated '));
  // The tables a pandas or R user reads, each column in the dictionary (read by Python's csv module).
  const ran = join(user, 'run', 'study.ts');
  const tables = readTablesFolder(join(ran, 'tables', 'study'));
  expect(Object.keys(tables).sort()).toEqual(['activation', 'metrics', 'provenance', 'reach', 'runs', 'survey', 'survey_answers', 'survey_by_attribute', 'variants']);
  // The folder names the model its figures came from: the offline model's rules, not people.
  expect(tables.provenance?.filter((row) => row.kind === 'model').map((row) => row.note)).toEqual(['offline: rules, not people']);
  expect(tables.runs?.map((row) => row.variant)).toEqual(['baseline', 'urgent']);
  expect(tables.survey_answers?.length).toBe(24);
  expect(Object.keys(readTablesFolder(join(ran, 'tables', 'calibration'))).sort()).toEqual(['comparisons', 'provenance', 'shares']);

  // docs/api.md's examples, each run as the page shows it.
  const run = runAsUser(user, 'example-1.ts');
  expect(run).toContain('turn 1: manager -> planner');
  expect(run).toMatch(/idle after 5 turns, 0\.\d{4} credits/);
  expect(run).toContain('manager: Re: Plan the first release');

  const hiring = runAsUser(user, 'example-2.ts');
  expect(hiring).toMatch(/approved/i);
  expect(hiring).toMatch(/carried out: .*backend/i);

  const forked = runAsUser(user, 'example-3.ts');
  expect(forked).toContain('forked after turn 2');
  expect(forked).not.toContain('equal\n');

  const experiment = runAsUser(user, 'example-4.ts');
  expect(experiment).toContain('baseline 1');
  expect(experiment).toContain('no-planner 1');
});
