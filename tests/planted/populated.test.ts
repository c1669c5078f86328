import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming, type CliResult } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { scratchDir } from '../faults/scratch.js';
import { expectNetworkPlanted, expectPlanted, expectRefusalRows, expectSpreadRows, ok, type AnalysisFigures } from './expect-planted.js';
import type { PlantedAgent, PlantedStudy } from './plan.js';
import { editPopulatedOrg, largestSendTo, orgYamlCap, readPopulated, writePlan, writeSeatTemplate } from './populated-org.js';
import { HOSPITAL_ACTIVATION, HOSPITAL_OPENING, HOSPITAL_REFERENCE, HOSPITAL_SEAT, HOSPITAL_SPEC, hospitalStudy, TEMPLATE_CAP } from './studies/hospital.js';
import { CAUSES, FORMS, plantedTruths, type Truths } from './truths.js';
import { PLAN_FILE } from './write-study.js';

/*
 * The planted hospital (studies/hospital.ts) through the path a user takes with a population:
 * `lemming populate` from a seeded spec whose roles name the scripted seat (registered in a template
 * of the user's own), the user's edits (activation rules by role in org.yaml, the heads allowed to
 * write to each other in chart.yaml), `validate`, `send`, `run`, `analyze` (--json, --csv,
 * --reference) and an experiment (its CSVs) with the template's cap as a second variant. Each figure
 * is held to the truths computed from the plan and the chart as populated (truths.ts, populated-org.ts:
 * YAML read back, nothing of lemming's). Some 110 seat calls in all: one run and an experiment of two.
 */

let folder: string;
let root: string;
let populated: CliResult;
/** The chart as populate wrote it (before the user's edit), and as run. */
let asPopulated: PlantedAgent[];
let study: PlantedStudy;
let truths: Truths;
/** The same hospital run with the template's cap, which populate raised: the experiment's second variant. */
let templateTruths: Truths;
let validated: CliResult;
let run: CliResult;

beforeAll(() => {
  folder = scratchDir('lemming-planted-');
  root = join(folder, 'hospital');
  writeFileSync(join(folder, 'edges.txt'), HOSPITAL_REFERENCE.edges);
  writeFileSync(join(folder, 'labels.txt'), HOSPITAL_REFERENCE.labels);
  const spec = join(folder, 'hospital.yaml');
  writeFileSync(spec, HOSPITAL_SPEC);
  const template = writeSeatTemplate(join(folder, 'seat-template'), join(root, PLAN_FILE), HOSPITAL_SEAT);
  populated = ok(lemming(root, ['populate', spec, '--template', template]), 'populate');
  asPopulated = readPopulated(root);
  editPopulatedOrg(root, HOSPITAL_ACTIVATION);
  // The truths' cap is what the structure needs, not what org.yaml says: a cap that cut the structure's hand-offs would show as refusals the truths do not have.
  study = hospitalStudy(readPopulated(root), largestSendTo(asPopulated));
  truths = plantedTruths(study);
  templateTruths = plantedTruths({ ...study, cap: TEMPLATE_CAP });
  writePlan(root, study);
  validated = ok(lemming(root, ['validate']), 'validate');
  ok(lemming(root, ['send', study.opening.map((send) => send.to[0]).join(','), HOSPITAL_OPENING]), 'send');
  run = ok(lemming(root, ['run', '--turns', String(study.turns), '--plain']), 'run');
});

describe('the planted hospital, populated and run as a user runs it', () => {
  test('populate set the cap its chart needs, above the template\'s; the plan uses every rule, refuses by the chart and draws, and the template\'s cap would cut the cascade', () => {
    const heads = asPopulated.filter((agent) => agent.role === 'head');
    expect([asPopulated.length, heads.length, asPopulated.filter((agent) => agent.role === 'lead').length]).toEqual([26, 2, 4]);
    // A lead writes to its head and five nurses: 6, past the template's 5; org.yaml says 6, and populate said so.
    expect(largestSendTo(asPopulated)).toBe(6);
    expect(orgYamlCap(root)).toBe(largestSendTo(asPopulated));
    expect(populated.stdout).toContain(`org.yaml: engine.max_messages_per_turn ${largestSendTo(asPopulated)}, the most people one agent here may write to`);
    // Each rule by role governs someone: validate has no warning of a rule that draws nobody.
    expect(validated.stdout + validated.stderr).not.toContain('warning');
    expect(truths.draws.map((rule) => rule.rule)).toEqual([1, 2, 3, 4]);
    expect(truths.draws.some((rule) => rule.drawn < rule.governed)).toBe(true);
    expect([truths.refusals.cap, truths.refusals.chart, truths.refusals.activation > 0]).toEqual([0, 1, true]);
    for (const form of ['direct', 'to', 'cc'] as const) expect(truths.deliveries[form], form).toBeGreaterThan(0);
    // With the template's cap each lead's fifth nurse is never reached: the cut a study of reach would measure.
    expect(templateTruths.refusals.cap).toBe(4);
    expect(templateTruths.reach.at(-1)?.reached).toBe((truths.reach.at(-1)?.reached ?? 0) - 4);
    expect(truths.insideDepartments).toBeLessThan(1);
    expect(truths.reciprocity).toBeGreaterThan(0);
  });

  test("the run's summary gives the refusals and draws as planted, and no cap line", () => {
    expect(run.stdout).toContain(`Activation (org.yaml engine.activation): ${truths.draws.map((rule) => `rule ${rule.rule} drew ${rule.drawn} of ${rule.governed}`).join(', ')} agent-turns with work`);
    expect(run.stdout).not.toContain('engine.max_messages_per_turn in org/org.yaml');
  });

  test('analyze --json and its CSVs give reach by turn, draws by rule and refusals by cause as planted', () => {
    const analysis = JSON.parse(ok(lemming(root, ['analyze', '--json']), 'analyze --json').stdout) as AnalysisFigures;
    expectPlanted(analysis, truths, study, 'analyze --json');
    const csv = join(folder, 'analysis-csv');
    ok(lemming(root, ['analyze', '--csv', csv]), 'analyze --csv');
    const tables = readTablesFolder(csv);
    expectRefusalRows(tables, truths);
    expectSpreadRows(tables, truths, study);
  });

  test('analyze --reference gives the share inside departments and reciprocity as planted', () => {
    expectNetworkPlanted(ok(lemming(root, ['analyze', '--reference', join(folder, 'edges.txt'), '--labels', join(folder, 'labels.txt'), '--json']), 'analyze --reference').stdout, truths, study);
  });
});

describe('the planted hospital as an experiment: the cap populate set against the template\'s', () => {
  test("runs.csv, reach.csv and activation.csv, and the runs' network measures as CSV, give each variant's figures as planted", () => {
    const file = join(folder, 'hospital-experiment.yaml');
    writeFileSync(
      file,
      [
        'name: hospital',
        `turns: ${study.turns}`,
        'repeats: 1',
        'messages:',
        ...study.opening.map((send) => `  - { to: ${send.to[0]}, body: ${JSON.stringify(HOSPITAL_OPENING)} }`),
        'variants:',
        '  - name: baseline',
        '  - name: template_cap',
        `    org: { engine: { max_messages_per_turn: ${TEMPLATE_CAP} } }`,
        '',
      ].join('\n'),
    );
    const tables = join(folder, 'experiment-csv');
    ok(lemming(root, ['experiment', file, '--csv', tables]), 'experiment');
    const planted: Record<string, Truths> = { baseline: truths, template_cap: templateTruths };
    const rows = readTablesFolder(tables);
    expect((rows.runs ?? []).map((row) => row.run).sort()).toEqual(Object.keys(planted));
    for (const row of rows.runs ?? []) {
      const expected = planted[row.run ?? ''] as Truths;
      for (const cause of CAUSES) expect(Number(row[`refusals_${cause}`]), `${row.run} refusals_${cause}`).toBe(expected.refusals[cause]);
      for (const form of FORMS) expect(Number(row[`deliveries_${form}`]), `${row.run} deliveries_${form}`).toBe(expected.deliveries[form]);
      expect(Number(row.calls), `${row.run} calls`).toBe(expected.calls);
    }
    for (const [run, expected] of Object.entries(planted)) {
      expectSpreadRows(rows, expected, study, run);
      // Each run's network, as `analyze --reference --runs` writes it for pandas: the share inside departments and reciprocity.
      const measured = join(folder, `reference-${run}`);
      ok(lemming(root, ['analyze', '--reference', join(folder, 'edges.txt'), '--labels', join(folder, 'labels.txt'), '--runs', join(root, 'experiments', 'hospital'), '--variant', run, '--csv', measured]), `analyze --reference --runs (${run})`);
      const values = new Map((readTablesFolder(measured).runs ?? []).map((row) => [row.measure, Number(row.value)]));
      expect([values.get('reciprocity'), values.get('insideDepartments')], `${run} reciprocity, inside departments`).toEqual([expected.reciprocity, expected.insideDepartments]);
    }
    // The report says what the template's cap cut, once; the populated cap cut nothing.
    const markdown = readFileSync(join(root, 'experiments', 'hospital', 'report.md'), 'utf8');
    expect(markdown.split('\n').filter((line) => line.includes('engine.max_messages_per_turn') && !line.startsWith('|'))).toEqual([expect.stringContaining(`The per-turn cap cut ${templateTruths.refusals.cap} send(s) of 1 of the 2 runs (template_cap)`)]);
  });
});
