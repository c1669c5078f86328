import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { Experiment } from '../../src/experiment/experiment-file.js';
import { experimentTables } from '../../src/experiment/experiment-tables.js';
import { personaTables, type PersonaTables } from '../../src/experiment/personas/persona-report.js';
import type { AttributeTable } from '../../src/experiment/personas/survey-by-attribute.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';
import type { StudyStatistics } from '../../src/experiment/study-statistics.js';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { tempDir } from '../helpers/org-files.js';

/*
 * A persona study (docs/people.md, "Do the personas hold?"), small: 6 people with personas on the
 * offline model, 2 runs of 3 turns, the survey's one question asked after turn 1 and again at the end,
 * the offline judge scoring what they wrote. report.md prints adherence, drift and self-consistency
 * with their intervals, and the survey's answers by the people's workplace; `--csv` must hold the same
 * figures, with their units. Before, it wrote none of them.
 */
test("an experiment's --csv holds report.md's persona tables: adherence and drift, by turn, self-consistency, the survey by attribute", async () => {
  const folder = tempDir();
  writeFileSync(
    join(folder, 'panel.yaml'),
    [
      'name: panel',
      'seed: 7',
      'size: 6',
      'attributes:',
      '  workplace:',
      '    shares: { office: 0.5, remote: 0.5 }',
      'structure:',
      '  team_size: 6',
      'roles:',
      '  lead: { title: "Team lead: runs the team", model: offline, credits: 1 }',
      '  member: { title: "Analyst: answers questions", model: offline, credits: 1 }',
      'persona: You are {name}, working {workplace}.',
      '',
    ].join('\n'),
  );
  const root = join(folder, 'panel');
  const populated = await lemmingAsync(root, ['populate', join(folder, 'panel.yaml')]);
  expect(populated.status, populated.stderr).toBe(0);
  writeFileSync(
    join(root, 'study.yaml'),
    [
      'name: study',
      'turns: 3',
      'repeats: 2',
      'seed: 7',
      'messages:',
      '  - { to: agent_00001, subject: Office or remote, body: "Please have your team look into whether the office or remote suits them best, and report back." }',
      'survey:',
      '  - question: Where do you work best, in the office or remote?',
      '    choices: [office, remote]',
      '    after_turn: 1',
      '  - question: Where do you work best, in the office or remote?',
      '    choices: [office, remote]',
      'personas:',
      '  judge: offline',
      'variants:',
      '  - name: baseline',
      '',
    ].join('\n'),
  );
  const tables = join(folder, 'tables');
  const run = await lemmingAsync(root, ['experiment', join(root, 'study.yaml'), '--plain', '--csv', tables]);
  expect(run.status, run.stderr).toBe(0);

  const report = JSON.parse(readFileSync(join(root, 'experiments/study/report.json'), 'utf8')) as { personas: PersonaTables; surveyByAttribute: AttributeTable[] };
  const adherence = report.personas.adherence!;
  const [cell] = adherence.variants;
  // Something was judged, over the 2 runs: the study measured what it says.
  expect(cell!.judged).toBeGreaterThan(0);
  expect([cell!.unit, cell!.units]).toEqual(['run', 2]);
  const read = readTablesFolder(tables);
  const text = (value: number | null | undefined): string => (value === null || value === undefined ? '' : String(value));
  expect(read.adherence).toEqual([
    {
      variant: 'baseline',
      judge: 'offline',
      scale: String(adherence.scale),
      written: String(cell!.written),
      judged: String(cell!.judged),
      agents: String(cell!.agents),
      runs: '2',
      adherence: text(cell!.mean),
      adherence_low: text(cell!.ci?.[0]),
      adherence_high: text(cell!.ci?.[1]),
      cut_at: cell!.cutAt?.join(' ') ?? '',
      unit: 'run',
      units: '2',
      drift: text(cell!.drift?.perTurn),
      drift_low: text(cell!.drift?.ci?.[0]),
      drift_high: text(cell!.drift?.ci?.[1]),
      drift_unit: cell!.drift?.unit ?? '',
      drift_units: text(cell!.drift?.units),
      alike: cell!.alike ? 'true' : '',
      drift_alike: cell!.drift?.alike ? 'true' : '',
    },
  ]);
  expect(read.adherence_by_turn?.map((row) => [row.turn, row.messages, row.adherence])).toEqual(cell!.byTurn.map((turn) => [String(turn.turn), String(turn.n), String(turn.mean)]));
  const [pair] = report.personas.consistency;
  const consistent = pair!.variants[0]!;
  // Each of the 6 people, in each of the 2 runs, answered both asks.
  expect([consistent.pairs, consistent.agents]).toEqual([12, 6]);
  expect(read.self_consistency).toEqual([
    {
      early_index: '0',
      late_index: '1',
      question: 'Where do you work best, in the office or remote?',
      variant: 'baseline',
      pairs: String(consistent.pairs),
      agents: String(consistent.agents),
      kept: String(consistent.kept),
      changed_with_cause: String(consistent.changedWithCause),
      changed_without_cause: String(consistent.changedWithoutCause),
      consistent: text(consistent.share),
      consistent_low: text(consistent.ci?.[0]),
      consistent_high: text(consistent.ci?.[1]),
    },
  ]);
  // The survey by attribute: each question's answers by workplace, a row per value and choice; the
  // counts of a question's rows add up to its 12 answers (6 people, 2 runs).
  const byAttribute = report.surveyByAttribute.flatMap((found) =>
    found.cells.flatMap((cell) => (found.choices ?? []).map((choice) => [String(found.index), found.attribute, cell.value, choice, String(cell.choices?.[choice]?.count ?? 0), text(cell.choices?.[choice]?.share), text(cell.choices?.[choice]?.ci[0]), text(cell.choices?.[choice]?.ci[1])])),
  );
  expect(byAttribute.length).toBeGreaterThan(0);
  expect(read.survey_by_attribute?.map((row) => [row.question_index, row.attribute, row.value, row.choice, row.count, row.share, row.share_low, row.share_high])).toEqual(byAttribute);
  for (const index of ['0', '1']) {
    expect(read.survey_by_attribute?.filter((row) => row.question_index === index).reduce((sum, row) => sum + Number(row.count), 0)).toBe(12);
  }
  // dictionary.csv gives each its unit.
  const dictionary = readTablesFolder(tables);
  expect(dictionary.adherence).toBeDefined();
  const units = readFileSync(join(tables, 'dictionary.csv'), 'utf8');
  expect(units).toContain("adherence,adherence_low,number,the judge's scale (0 to its scale),");
  expect(units).toContain('self_consistency,consistent,number,proportion (0 to 1),');
}, 300_000);

/*
 * Two runs whose every message scores 10 and 6 on a scale of 10 (tests/experiment/adherence-range.test.ts):
 * adherence 8, its t interval over the 2 runs cut at both ends of the scale. report.md says
 * `[0, 10] (cut at 0 and 10)`; the adherence table says the same, `cut_at` "0 10".
 */
test("the adherence table says where its interval was cut at the judge's scale, as report.md does", () => {
  const experiment = {
    file: 'study.yaml',
    name: 'study',
    parallel: 1,
    survey: [],
    personas: { judge: 'offline', scale: 10, maxMessages: 1000 },
    variants: [{ name: 'baseline', messages: [], repeats: 2, outcome: { seed: 5, checks: [] }, interventions: [] }],
  } as unknown as Experiment;
  const run = (name: string, score: number): RunMetrics => {
    const judged = ['agent_00001', 'agent_00002', 'agent_00003'].flatMap((agent) => [1, 2].map((turn) => ({ id: `${turn}-${agent}`, agent, turn, score, reason: '' })));
    return { run: name, variant: 'baseline', personas: { adherence: { model: 'offline', scale: 10, written: judged.length, judged }, consistency: [] } } as unknown as RunMetrics;
  };
  const personas = personaTables(experiment, [run('baseline-r1', 10), run('baseline-r2', 6)]);
  const statistics = { runs: [], metrics: [] } as unknown as StudyStatistics;
  const adherence = experimentTables({ variants: [], statistics, runs: [], personas }).find((table) => table.name === 'adherence');
  expect(adherence?.rows.map((row) => [row.adherence, row.adherence_low, row.adherence_high, row.cut_at, row.unit, row.units])).toEqual([[8, 0, 10, '0 10', 'run', 2]]);
});
