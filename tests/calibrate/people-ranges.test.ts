import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg, REPO_ROOT } from '../helpers/temp-org.js';

/*
 * `lemming calibrate --people 6 --held-out 2` on the GSS 2018 extract and the offline model, seed 1:
 * the people's accuracy is 0.333 (two of six people right on both questions), whose t interval over 6
 * people is [−0.209, 0.875]. Before, that went out as it was, in people.md, people.json and
 * people_figures.csv: a share below 0. Now every figure's interval is within what the figure can be (a
 * share 0 to 1, a difference −1 to 1, a ratio 0 and above), and an interval cut there says so.
 */

interface Estimate {
  value: number;
  interval: [number, number];
  cutAt?: number[];
}

const RANGES: Record<string, [number, number]> = {
  accuracy: [0, 1],
  floor: [0, 1],
  commonest: [0, 1],
  over_floor: [-1, 1],
  over_commonest: [-1, 1],
  accuracy_weighted: [0, 1],
  model_retest: [0, 1],
};

test("calibrate --people keeps each figure's interval within what it can be, and says where it was cut", () => {
  const root = defaultOrg();
  const folder = join(root, 'tables');
  const result = lemming(root, ['calibrate', join(REPO_ROOT, 'data/gss-2018/respondents.yaml'), '--people', '6', '--held-out', '2', '--seed', '1', '--csv', folder]);
  expect(result.status, result.stderr).toBe(0);
  const study = JSON.parse(readFileSync(join(root, 'calibration/gss-2018-people/people.json'), 'utf8')) as { summary: Record<string, Estimate | number | string> };
  const accuracy = study.summary.accuracy as Estimate;
  // The case the researcher saw: a third of six people's answers, whose t interval reached below 0.
  expect(accuracy.value).toBeCloseTo(1 / 3, 12);
  expect(accuracy.interval[0]).toBe(0);
  expect(accuracy.interval[1]).toBeCloseTo(0.875, 3);
  expect(accuracy.cutAt).toEqual([0]);
  expect(result.stdout).toMatch(/accuracy +0\.333 \[0\.000, 0\.875\] \(n = 6; cut at 0\)/);

  const keys: Record<string, string> = { over_floor: 'overFloor', over_commonest: 'overCommonest', accuracy_weighted: 'accuracyWeighted', model_retest: 'modelRetest' };
  const figures = new Map((readTablesFolder(folder).people_figures ?? []).map((row) => [row.figure, row]));
  for (const [figure, [low, high]] of Object.entries(RANGES)) {
    const estimate = study.summary[keys[figure] ?? figure] as Estimate;
    expect(estimate.interval[0], figure).toBeGreaterThanOrEqual(low);
    expect(estimate.interval[1], figure).toBeLessThanOrEqual(high);
    const row = figures.get(figure);
    expect([Number(row?.low), Number(row?.high)], figure).toEqual(estimate.interval);
    expect(row?.cut_at, figure).toBe((estimate.cutAt ?? []).join(' '));
  }
  expect(figures.get('accuracy')?.cut_at).toBe('0');

  const report = readFileSync(join(root, 'calibration/gss-2018-people/people.md'), 'utf8');
  expect(report).toContain('| accuracy | 0.333 [0.000, 0.875] (n = 6; cut at 0) |');
  expect(report).toContain('kept within what the figure can be');
  // No share's row in the report goes below 0 or past 1 (the differences' rows, accuracy − …, may go below 0).
  const shareRows = report.split('\n').filter((line) => /^\| (accuracy|floor|everyone else's|accuracy, weighted|the model's own retest)/.test(line) && !line.includes('−'));
  expect(shareRows).toHaveLength(5);
  for (const line of shareRows) expect(line, line).not.toMatch(/\[-|1\.0*[1-9]\d*\]/);
});
