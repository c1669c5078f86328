import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';
import type { Calibration } from '../../src/calibrate/calibrate-org.js';

/*
 * An experiment with `reference:` (docs/experiments.md): the default org, one run of 1 turn on the
 * offline model, its 5 agents then asked the reference's one question, whose real answers are planted
 * (3 people said yes, 1 no). report.md prints the calibration's figures per run; `--csv` must give
 * them too, as `lemming calibrate --csv` does for one org: a row per run (`calibration`), and the
 * run's own `comparisons` and `shares`, each led by its run. Before, --csv wrote none of them.
 */
test("an experiment's --csv holds its calibration against the reference: per run, per question and per option", async () => {
  const root = defaultOrg();
  const folder = tempDir();
  writeFileSync(join(folder, 'ref.yaml'), 'name: known\nanswers: answers.csv\nquestions:\n  - id: ready\n    text: Is the release ready?\n    options: [yes, no]\n');
  writeFileSync(join(folder, 'answers.csv'), 'question,option,count\nready,yes,3\nready,no,1\n');
  writeFileSync(
    join(root, 'held.yaml'),
    ['name: held', 'turns: 1', 'repeats: 1', `reference: ${join(folder, 'ref.yaml')}`, 'messages:', '  - { to: manager, subject: Plan, body: Please plan the release. }', 'variants:', '  - name: baseline', ''].join('\n'),
  );
  const tables = join(root, 'tables');
  const run = await lemmingAsync(root, ['experiment', join(root, 'held.yaml'), '--plain', '--csv', tables]);
  expect(run.status, run.stderr).toBe(0);

  const read = readTablesFolder(tables);
  const calibration = JSON.parse(readFileSync(join(root, 'experiments/held/baseline/calibration/known/report.json'), 'utf8')) as Calibration;
  const summary = calibration.summary!;
  expect(read.calibration).toEqual([
    expect.objectContaining({ run: 'baseline', variant: 'baseline', reference: 'known', distance: String(summary.distance), random: String(summary.random) }),
  ]);
  expect(read.comparisons?.map((row) => [row.run, row.question, row.group, row.real, row.simulated])).toEqual([['baseline', 'ready', 'all', '4', '5']]);
  const [comparison] = calibration.comparisons;
  expect(read.comparisons?.[0]?.distance).toBe(String(comparison!.distance.value));
  expect(read.shares?.map((row) => [row.run, row.option, row.real_share])).toEqual([
    ['baseline', 'yes', '0.75'],
    ['baseline', 'no', '0.25'],
  ]);
  // The figure report.md prints for the run is the one the CSV holds.
  expect(readFileSync(join(root, 'experiments/held/report.md'), 'utf8')).toContain(`| baseline | baseline | ${summary.distance.toFixed(3)} | ${summary.random.toFixed(3)} |`);
}, 300_000);
