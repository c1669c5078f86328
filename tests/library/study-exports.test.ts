import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { analyze, analyzeReference, ask, blame, calibrate, diffTurns, history, openOrg, populate, send } from '../../src/library/index.js';
import { lemming } from '../helpers/cli.js';
import { scratchDir } from '../faults/scratch.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { readTablesFolder } from '../helpers/read-csv.js';

/*
 * Each command a study uses, as the library gives it, against what the same command prints with
 * --json on the same org (and, with --csv, the same tables): one org of eight people on the offline
 * model, run for up to three turns.
 */

const SPEC = `name: panel
seed: 7
size: 8
attributes:
  sex:
    shares: { female: 0.5, male: 0.5 }
structure:
  team_size: 4
roles:
  lead: { title: "Panel lead {team}", model: offline, credits: 0.5 }
  member: { title: "Panel member", model: offline, credits: 0.2 }
persona: "You are {name}, {sex}."
`;

const GSS = join(REPO_ROOT, 'data/gss-2018/reference.yaml');
/** A real network of ten people (a SNAP edge list): small, so the null models cost little. */
const EDGES = ['# FromNodeId ToNodeId', '0 1', '1 0', '1 2', '2 3', '3 1', '4 5', '5 4', '5 6', '6 7', '7 8', '8 9', '9 4', '2 6', ''].join('\n');

let folder: string;
let root: string;
let spec: string;

/** What a command printed with --json, parsed; its exit status checked. */
function printed(args: string[], status = 0): unknown {
  const result = lemming(root, args);
  expect({ status: result.status, stderr: result.stderr.split('\n').filter((line) => line !== '' && !/^asking \d+ agent/.test(line) && !/^wrote \d+ table file\(s\) to .*-cli\/: /.test(line)) }, args.join(' ')).toEqual({ status, stderr: [] });
  return JSON.parse(result.stdout);
}

/** Each file of a folder and its text: what the command's --csv wrote is compared byte for byte with the library's. */
function filesIn(tables: string): Record<string, string> {
  return Object.fromEntries(readdirSync(tables).map((name) => [name, readFileSync(join(tables, name), 'utf8')]));
}

/** A value as JSON would carry it: what --json printed is compared with this. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

beforeAll(async () => {
  // Kept for the file's tests, not removed after the first.
  folder = scratchDir('lemming-study-');
  root = join(folder, 'panel');
  spec = join(folder, 'people.yaml');
  writeFileSync(spec, SPEC);
  await populate(spec, root);
  // An org of generated people keeps no history unless asked: history, diff --turns and blame read it.
  const settings = join(root, 'org/org.yaml');
  writeFileSync(settings, readFileSync(settings, 'utf8').replace('history: { keep: false }', 'history: { keep: true }'));
  const first = (await populate(spec, join(folder, 'unused'), { dryRun: true })).first;
  send(root, { to: first, body: 'How are things in your team?' });
  const org = openOrg(root);
  for await (const event of org.run({ maxTurns: 3 })) void event;
  await org.close();
});

describe('the library gives what each command prints with --json', () => {
  test('populate (a dry run into a new folder)', async () => {
    const planned = join(folder, 'planned');
    const command = lemming(planned, ['populate', spec, '--dry-run', '--json']);
    expect(command.status, command.stderr).toBe(0);
    expect(asJson(await populate(spec, planned, { dryRun: true }))).toEqual(JSON.parse(command.stdout));
  });

  test('history and diff --turns', async () => {
    const listed = history(root);
    const last = listed.entries.at(-1)?.turn ?? 0;
    expect(listed.entries.map((entry) => entry.turn)).toEqual(Array.from({ length: last + 1 }, (_, turn) => turn));
    expect(last).toBeGreaterThan(0);
    expect(asJson(listed)).toEqual(printed(['history', '--json']));
    const compared = await diffTurns(root, 0, last);
    expect(compared.equal).toBe(false);
    expect(asJson(compared)).toEqual(printed(['diff', '--turns', `0..${last}`, '--json'], 1));
  });

  test('analyze, and analyze against a real network, with their tables as CSV', () => {
    const tables = join(folder, 'analysis-csv');
    const analysis = analyze(root, { csv: tables });
    expect(asJson(analysis)).toEqual(printed(['analyze', '--json', '--csv', `${tables}-cli`]));
    expect(filesIn(`${tables}-cli`)).toEqual(filesIn(tables));
    const read = readTablesFolder(tables);
    expect(read.agents?.map((row) => row.agent)).toEqual(analysis.agents.map((agent) => agent.agent));
    expect(read.edges?.map((row) => [row.from, row.to, Number(row.messages)])).toEqual(analysis.edges.used.map((edge) => [edge.from, edge.to, edge.messages]));

    const referenceTables = join(folder, 'reference-csv');
    const edges = join(folder, 'edges.txt');
    writeFileSync(edges, EDGES);
    const comparison = analyzeReference(root, { reference: edges, csv: referenceTables });
    expect(asJson(comparison)).toEqual(printed(['analyze', '--reference', edges, '--json', '--csv', `${referenceTables}-cli`]));
    expect(filesIn(`${referenceTables}-cli`)).toEqual(filesIn(referenceTables));
    const measures = readTablesFolder(referenceTables).measures;
    expect(measures?.map((row) => [row.measure, Number(row.real)])).toEqual(comparison.rows.map((row) => [row.measure, row.real]));
  });

  test('ask, with the answers and the tally as CSV', async () => {
    const tables = join(folder, 'ask-csv');
    const survey = await ask(root, { to: { all: true }, text: 'Is your work "on track", or not?', choices: ['yes', 'no'], csv: tables });
    expect(survey.answers.length).toBe(8);
    expect(asJson(survey)).toEqual(printed(['ask', '--all', 'Is your work "on track", or not?', '--choices', 'yes,no', '--json', '--csv', `${tables}-cli`]));
    expect(filesIn(`${tables}-cli`)).toEqual(filesIn(tables));
    const read = readTablesFolder(tables);
    expect(read.answers?.map((row) => [row.agent, row.choice, row.answer])).toEqual(survey.answers.map((answer) => [answer.agent, answer.choice ?? '', answer.raw]));
    expect(read.tally?.map((row) => [row.choice, Number(row.count)])).toEqual(survey.tally.choices?.map((each) => [each.choice, each.count]));
  });

  test('calibrate against the shipped GSS reference, with its tables as CSV', async () => {
    const tables = join(folder, 'calibration-csv');
    const calibration = await calibrate(root, GSS, { csv: tables });
    expect(calibration.calls).toBe(24);
    expect(asJson(calibration)).toEqual(printed(['calibrate', GSS, '--json', '--csv', `${tables}-cli`]));
    expect(filesIn(`${tables}-cli`)).toEqual(filesIn(tables));
    const read = readTablesFolder(tables);
    // A group no agent is in (no persona says degree) has no distance: an empty field, NA in R.
    expect(read.comparisons?.map((row) => [row.question, row.group, row.distance])).toEqual(calibration.comparisons.map((row) => [row.question, row.group, Number.isFinite(row.distance.value) ? String(row.distance.value) : '']));
    expect(read.shares?.length).toBe(calibration.comparisons.reduce((sum, row) => sum + row.realShares.length, 0));
  });

  test('blame (a dry run: what it would fork and cost)', async () => {
    const checks = join(folder, 'checks.yaml');
    writeFileSync(checks, ['name: study', 'turns: 3', 'messages:', '  - { to: lead_1, body: Hello }', 'variants:', '  - name: baseline', 'checks:', '  - { name: answered, run: test -e never-written }', ''].join('\n'));
    const report = await blame(root, { check: 'answered', checks, dryRun: true, k: 1, controls: 1 });
    expect(report.dryRun).toBe(true);
    expect(asJson(report)).toEqual(printed(['blame', root, '--check', 'answered', '--checks', checks, '--dry-run', '-k', '1', '--controls', '1', '--json']));
  });
});
