import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming, type CliResult } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { scratchDir } from '../faults/scratch.js';
import { getJson, serveOrg } from '../web/web-server.js';
import { expectNetworkPlanted, expectPlanted, expectRefusalRows, expectSpreadRows, ok, onChart, type AnalysisFigures } from './expect-planted.js';
import type { PlantedStudy } from './plan.js';
import { clinic } from './studies/clinic.js';
import { CAUSES, countBy, FORMS, plantedTruths, SEAT_CAUSES, type Cause, type Form, type Truths } from './truths.js';
import { writeStudy } from './write-study.js';
// The words each form and cause is said in: a choice of wording, not a figure (the figures come from truths.ts).
import { CAUSE_WORDS, FORM_WORDS } from '../../src/format/mail-outcomes.js';

/*
 * The planted clinic (studies/clinic.ts) through the path a user takes: org files written by hand,
 * `lemming send` and `lemming run`, `analyze` (text, --json, --csv, --reference), an experiment (its
 * report.md, report.json and CSVs), the dashboard's analysis and chart, and the library as packaged.
 * Every figure is held to the truths computed from the plan (truths.ts), not to lemming's own reckoning.
 * The study is run once and read many ways: one run and one experiment of two runs, some 75 seat calls.
 */

const OPENING = clinic.opening[0]?.body ?? '';
/** The same clinic with the per-turn cap raised: the experiment's second variant. */
const uncapped: PlantedStudy = { ...clinic, cap: 10 };
const truths = plantedTruths(clinic);
const uncappedTruths = plantedTruths(uncapped);

const SENDS: readonly Cause[] = ['chart', 'cap'];
const HELD: readonly Cause[] = ['budget', 'ceiling', 'breaker', 'activation'];

/** A real network of twelve people in three departments, for `analyze --reference` to read the run's measures beside. */
const EDGES = ['# FromNodeId ToNodeId', '0 1', '1 0', '1 2', '2 3', '3 1', '4 5', '5 4', '5 6', '6 7', '7 8', '8 9', '9 4', '2 6', '10 11', '11 0', ''].join('\n');
const LABELS = ['0 exec', '1 exec', '2 ops', '3 ops', '4 ops', '5 lab', '6 lab', '7 lab', '8 lab', '9 ops', '10 lab', '11 exec', ''].join('\n');

let folder: string;
let root: string;
let run: CliResult;

/** The turn's readers as the turn line says them: `reached 11: 3 one-to-one, …`, or nothing. */
function reachedText(counts: Record<Form, number>): string {
  const total = FORMS.reduce((sum, form) => sum + counts[form], 0);
  return total === 0 ? '' : `; reached ${total}: ${FORMS.filter((form) => counts[form] > 0).map((form) => `${counts[form]} ${FORM_WORDS[form]}`).join(', ')}`;
}

function refusedText(counts: Record<Cause, number>): string {
  const sends = SENDS.filter((cause) => counts[cause] > 0).map((cause) => `${counts[cause]} ${CAUSE_WORDS[cause]}`);
  return `${counts.chart + counts.cap} refused${sends.length > 0 ? ` (${sends.join(', ')})` : ''}`;
}

function heldText(counts: Record<Cause, number>): string {
  const held = HELD.filter((cause) => counts[cause] > 0).map((cause) => `${counts[cause]} ${CAUSE_WORDS[cause]}`);
  return held.length > 0 ? `held with work: ${held.join(', ')}` : '';
}

/**
 * What a report says of each limit that held agents with mail (the ceiling, the breaker, credits spent),
 * beside its figures: the agent-turns held, from the truths, and the setting as the study wrote it.
 * `within` is an experiment's `in 1 of 1 run(s)`.
 */
function limitLines(planted: Truths, within = ''): string[] {
  const where: Array<[Cause, string]> = [
    ['ceiling', `org/org.yaml budget: departments: ${Object.entries(clinic.ceilings).map(([lead, credits]) => `${lead} ${credits} credits`).join(', ')}`],
    ['breaker', 'org/org.yaml engine.breakers: repeated_messages'],
    ['budget', "each agent's credits in its resume"],
  ];
  return where.map(([cause, setting]) => `${planted.refusals[cause]} agent-turn(s) with mail${within} not called, ${CAUSE_WORDS[cause]} (${setting}), their mail left waiting: the figures measure that limit too`);
}

/**
 * What provenance.csv of a `--csv` folder holds (the folder is often all a reader of a study gets): the
 * scripted seat's row, told as a program (not a model lemming calls), with each agent it answered for,
 * and each caveat the report gives. Before, no CSV named the model.
 */
function expectProvenanceRows(rows: ReadonlyArray<Record<string, string>> | undefined, planted: Truths, caveats: readonly string[], where: string): void {
  const answered = Object.entries(planted.creditsByAgent).filter(([, credits]) => credits > 0).map(([name]) => name).sort();
  expect(rows?.filter((row) => row.kind === 'model').map(({ name, provider, answered: who, note }) => ({ name, provider, answered: who, note })), `${where}: provenance.csv models`).toEqual([
    { name: 'seat', provider: 'command', answered: answered.join(' '), note: 'command: a program, not a model lemming calls' },
  ]);
  expect(rows?.filter((row) => row.kind === 'caveat').map((row) => row.value), `${where}: provenance.csv caveats`).toEqual(caveats);
  expect(rows?.find((row) => row.kind === 'setting' && row.name === 'engine.max_messages_per_turn')?.is_default, `${where}: the cap's row`).toBe('false');
}

function causesOfTurn(planted: Truths, turn: number): Record<Cause, number> {
  const found = planted.refusalsByTurn.find((each) => each.turn === turn);
  return Object.fromEntries(CAUSES.map((cause) => [cause, found?.[cause] ?? 0])) as Record<Cause, number>;
}

beforeAll(() => {
  // Kept for the file's tests, not removed after the first.
  folder = scratchDir('lemming-planted-');
  root = join(folder, 'clinic');
  writeStudy(root, clinic);
  ok(lemming(root, ['validate']), 'validate');
  ok(lemming(root, ['send', 'leads', OPENING]), 'send');
  run = ok(lemming(root, ['run', '--turns', String(clinic.turns), '--plain']), 'run');
});

describe('the planted clinic, run as a user runs it', () => {
  test('the plan is what the study says: every form and every cause happens', () => {
    for (const form of FORMS) expect(truths.deliveries[form], form).toBeGreaterThan(0);
    for (const cause of SEAT_CAUSES) expect(truths.refusals[cause], cause).toBeGreaterThan(0);
    expect(truths.draws.some((rule) => rule.drawn < rule.governed)).toBe(true);
  });

  test("each turn's line and the run's summary give each form and each cause apart, and say once what the cap cut", () => {
    const lines = run.stdout.split('\n');
    // The cascade the cap cut is said once, with how many and where to change it (it was said nowhere but in each refusal's line).
    const capLines = lines.filter((line) => line.includes('engine.max_messages_per_turn in org/org.yaml'));
    expect(capLines).toEqual([expect.stringContaining(`The per-turn cap cut ${truths.refusals.cap} send(s) of this run`)]);
    for (let turn = 1; turn <= clinic.turns; turn += 1) {
      const line = lines.find((each) => each.startsWith(`[turn ${turn}] done: `)) ?? '';
      const written = truths.readers.filter((delivery) => delivery.turn === turn && delivery.from !== 'human');
      const fromHuman = turn === 1 ? ` (+${truths.fromHuman} from the human)` : '';
      expect(line, `turn ${turn}`).toContain(`done: ${truths.callsByTurn[turn - 1]} called, ${truths.deliveredByTurn[turn - 1]} delivered${fromHuman}, `);
      expect(line, `turn ${turn}`).toContain(`, ${refusedText(causesOfTurn(truths, turn))}, `);
      // The human's opening is taken in, and reaches its readers, in turn 1.
      const readers = countBy(turn === 1 ? [...written, ...truths.readers.filter((delivery) => delivery.from === 'human')] : written);
      const held = heldText(causesOfTurn(truths, turn));
      expect(line.slice(line.indexOf(' ms') + 3), `turn ${turn}`).toBe(`${reachedText(readers)}${held === '' ? '' : `; ${held}`}`);
    }
    expect(run.stdout).toContain(`${truths.delivered} message(s) delivered by the org (besides ${truths.fromHuman} from the human), ${refusedText(truths.refusals)}, 0 error(s); ${truths.tokens.toLocaleString('en-US')} tokens, ${truths.credits.toFixed(4)} credits spent.`);
    expect(run.stdout).toContain(`Reached ${FORMS.reduce((sum, form) => sum + truths.deliveries[form], 0)}: ${FORMS.map((form) => `${truths.deliveries[form]} ${FORM_WORDS[form]}`).join(', ')}.`);
    expect(run.stdout).toContain(`${heldText(truths.refusals).replace(/^h/, 'H')} (their mail waited).`);
    expect(run.stdout).toContain(`Activation (org.yaml engine.activation): ${truths.draws.map((rule) => `rule ${rule.rule} drew ${rule.drawn} of ${rule.governed}`).join(', ')} agent-turns with work`);
  });

  test('analyze --json, the text and the CSVs give every figure as planted; a list post is a delivery, not a refusal', () => {
    // The human's post reached each member of the list; it was printed `| human | lead_ops | 1 (refused: not on the chart) |`.
    const text = ok(lemming(root, ['analyze']), 'analyze').stdout;
    expect(text).not.toContain('refused: not on the chart');
    const analysis = JSON.parse(ok(lemming(root, ['analyze', '--json']), 'analyze --json').stdout) as AnalysisFigures & { provenance: { caveats: string[] } };
    expectPlanted(analysis, truths, clinic, 'analyze --json');
    // Each limit that held agents with mail is said beside the figures, with its setting (only calls at engine.max_steps were).
    for (const cause of ['ceiling', 'breaker', 'budget'] as const) expect(truths.refusals[cause], cause).toBeGreaterThan(0);
    expect(analysis.provenance.caveats).toEqual(limitLines(truths).map((line) => `${line}.`));
    for (const line of limitLines(truths)) expect(text).toContain(`- ${line}.`);

    for (const edge of analysis.edges.used.slice(0, 20)) {
      const planted = truths.edges.get(`${edge.from} ${edge.to}`);
      expect(text).toContain(`| ${edge.from} | ${edge.to} | ${planted?.messages} | ${FORMS.map((form) => planted?.forms[form]).join(' | ')} | ${onChart(clinic, edge.from, edge.to) ? 'yes' : 'no'} |`);
    }
    for (const cause of CAUSES) expect(text).toContain(`| ${CAUSE_WORDS[cause]} | ${truths.refusals[cause]} | ${SENDS.includes(cause) ? 'sends' : 'agent-turns'} |`);
    for (const turn of truths.reach) expect(text).toContain(`| ${turn.turn} | ${turn.reached} |`);

    const csv = join(folder, 'analysis-csv');
    ok(lemming(root, ['analyze', '--csv', csv]), 'analyze --csv');
    const tables = readTablesFolder(csv);
    // edges.csv said `human,lead_ops,1,false`, false being "every one was refused".
    expect((tables.edges ?? []).filter((row) => row.from === 'human').map((row) => row.permitted ?? 'a delivery')).toEqual(['a delivery', 'a delivery', 'a delivery']);
    const edges = new Map(
      (tables.edges ?? []).map((row) => [
        `${row.from} ${row.to}`,
        { messages: Number(row.messages), forms: Object.fromEntries(FORMS.map((form) => [form, Number(row[`via_${form}`])])) as Record<Form, number>, onChart: row.on_chart },
      ]),
    );
    expect(new Map([...edges].map(([key, edge]) => [key, { messages: edge.messages, forms: edge.forms }]))).toEqual(truths.edges);
    // The human's post to the list reached each member: a delivery by the list, no refusal, off the chart as a list's post is.
    for (const member of ['director', 'lead_ops', 'lead_lab']) expect(edges.get(`human ${member}`)).toEqual({ messages: 1, forms: { direct: 0, to: 0, cc: 0, list: 1, meeting: 0 }, onChart: 'false' });
    expectRefusalRows(tables, truths);
    expectSpreadRows(tables, truths, clinic);
    expectProvenanceRows(tables.provenance, truths, limitLines(truths).map((line) => `${line}.`), 'analyze --csv');
    expect(Object.fromEntries((tables.agents ?? []).filter((row) => row.agent !== 'human').map((row) => [row.agent, Number(row.credits)]))).toEqual(truths.creditsByAgent);
  });

  test('analyze --reference gives the run network reciprocity and share inside departments as planted', () => {
    writeFileSync(join(folder, 'edges.txt'), EDGES);
    writeFileSync(join(folder, 'labels.txt'), LABELS);
    expectNetworkPlanted(ok(lemming(root, ['analyze', '--reference', join(folder, 'edges.txt'), '--labels', join(folder, 'labels.txt'), '--json']), 'analyze --reference').stdout, truths, clinic);
  });

  test("the dashboard's analysis gives the same figures, and its chart draws a list's post to each member", async () => {
    const server = await serveOrg(root);
    const chart = (await getJson<{ edges: Array<{ from: string; to: string; total: number }> }>(server, '/api/chart')).body;
    for (const member of ['director', 'lead_ops', 'lead_lab']) expect(chart.edges.find((edge) => edge.from === 'human' && edge.to === member)?.total, `human → ${member}`).toBe(1);
    expect(chart.edges.find((edge) => edge.from === 'lead_ops' && edge.to === 'clerk_b')?.total).toBe(truths.edges.get('lead_ops clerk_b')?.forms.list);
    const answered = await getJson<AnalysisFigures>(server, '/api/analysis');
    expect(answered.status).toBe(200);
    // The page showed the list's deliveries without a mark, and its JSON as refused (`permitted: false`).
    expect((answered.body.edges.used as Array<{ permitted?: boolean }>).filter((edge) => edge.permitted === false)).toEqual([]);
    expectPlanted(answered.body, truths, clinic, 'GET /api/analysis');
  });

  test('the library, as packaged, gives the same figures', async () => {
    const library = (await import(join(REPO_ROOT, 'dist', 'library', 'index.js'))) as { analyze(root: string): AnalysisFigures };
    expectPlanted(library.analyze(root), truths, clinic, 'analyze() of dist/library');
  });
});

describe('the planted clinic as an experiment: the cap as a variant', () => {
  test("report.md, report.json and the CSVs give each variant's figures as planted, and the report says once what the cap cut", () => {
    const base = join(folder, 'base');
    writeStudy(base, clinic);
    const file = join(folder, 'planted.yaml');
    writeFileSync(
      file,
      [
        'name: planted',
        `turns: ${clinic.turns}`,
        'repeats: 1',
        'messages:',
        '  - to: leads',
        `    body: ${JSON.stringify(OPENING)}`,
        'variants:',
        '  - name: baseline',
        '  - name: uncapped',
        `    org: { engine: { max_messages_per_turn: ${uncapped.cap} } }`,
        '',
      ].join('\n'),
    );
    const tables = join(folder, 'experiment-csv');
    ok(lemming(base, ['experiment', file, '--csv', tables]), 'experiment');
    // The report called the cap's refusals "sends the chart refused", and did not say what the cap cut.
    const markdown = readFileSync(join(base, 'experiments', 'planted', 'report.md'), 'utf8');
    expect(markdown).not.toContain('sends the chart refused');
    // Said once in prose; beside it, the report's settings name the cap each variant ran with (provenance).
    const capLines = markdown.split('\n').filter((line) => line.includes('engine.max_messages_per_turn'));
    expect(capLines.filter((line) => !line.startsWith('|'))).toEqual([expect.stringContaining(`The per-turn cap cut ${truths.refusals.cap} send(s) of 1 of the 2 runs (baseline)`)]);
    expect(capLines.filter((line) => line.startsWith('|'))).toEqual(['| engine.max_messages_per_turn | baseline | 3 | no | org/org.yaml |', '| engine.max_messages_per_turn | uncapped | 10 | no | org/org.yaml |']);
    // Each limit that held agents with mail, said per variant beside the figures with its setting (the settings table said `departments only credits`).
    for (const [variant, planted] of [['baseline', truths], ['uncapped', uncappedTruths]] as const) {
      for (const line of limitLines(planted, ' in 1 of 1 run(s)')) expect(markdown).toContain(`- \`${variant}\`: ${line} (runs.csv \`refusals_<cause>\`).`);
    }
    expect(markdown).toContain(`| budget | all | departments: lab2 ${clinic.ceilings.lab2} credits | no | org/org.yaml |`);
    const report = JSON.parse(readFileSync(join(base, 'experiments', 'planted', 'report.json'), 'utf8')) as {
      runs: Array<{ run: string; messages: number; calls: number; credits: number; deliveries: Record<Form, number>; refusals: number; refusalsByCause: Record<Cause, number> }>;
    };
    const planted: Record<string, Truths> = { baseline: truths, uncapped: uncappedTruths };
    expect(report.runs.map((each) => each.run).sort()).toEqual(Object.keys(planted));
    for (const each of report.runs) {
      const expected = planted[each.run] as Truths;
      expect({ messages: each.messages, calls: each.calls, credits: each.credits, deliveries: each.deliveries, refusals: each.refusals, refusalsByCause: each.refusalsByCause }, each.run).toEqual({
        messages: expected.delivered,
        calls: expected.calls,
        credits: expected.credits,
        deliveries: expected.deliveries,
        refusals: expected.refusals.chart + expected.refusals.cap,
        refusalsByCause: expected.refusals,
      });
    }
    const rows = readTablesFolder(tables);
    for (const row of rows.runs ?? []) {
      const expected = planted[row.run ?? ''] as Truths;
      for (const form of FORMS) expect(Number(row[`deliveries_${form}`]), `${row.run} deliveries_${form}`).toBe(expected.deliveries[form]);
      for (const cause of CAUSES) expect(Number(row[`refusals_${cause}`]), `${row.run} refusals_${cause}`).toBe(expected.refusals[cause]);
    }
    for (const row of rows.variants ?? []) {
      const expected = row.variant === 'baseline' ? truths : uncappedTruths;
      for (const cause of CAUSES) expect(Number(row[`refusals_${cause}`]), `${row.variant} refusals_${cause}`).toBe(expected.refusals[cause]);
    }
    // The seat answered for every agent either variant called; the caveats are report.md's, each a row.
    const calledEither: Truths = { ...truths, creditsByAgent: Object.fromEntries(Object.keys(truths.creditsByAgent).map((name) => [name, (truths.creditsByAgent[name] ?? 0) + (uncappedTruths.creditsByAgent[name] ?? 0)])) };
    const said = markdown.slice(markdown.indexOf('What the figures cannot support:')).split('\n').filter((line) => line.startsWith('- ')).map((line) => line.slice(2));
    expectProvenanceRows(rows.provenance, calledEither, said, 'experiment --csv');
    // Reach by turn and each activation rule's draws, run by run, in the experiment's own tables (they were only in analyze and the run's summary).
    for (const [run, expected] of Object.entries(planted)) expectSpreadRows(rows, expected, clinic, run);
    expect(uncappedTruths.refusals.cap).toBe(0);
    // The variant without the cut: the director hears lead_ops in turn 1, and the reach is planted too.
    expect(uncappedTruths.calls).toBeGreaterThan(truths.calls);
  });
});
