import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * A judged score cannot leave its judge's scale: the offline judge scores the person's answer from 0 to
 * `scale: 10` by the rubric items it covers. Two repeats of the docs' planner study (seeds 9 and 10,
 * variability 0.5) score differently, and the t interval over 2 runs (t = 12.706) reaches far past both
 * ends. It is kept within 0 to 10, as every figure with bounds is (src/statistics/figure-range.ts), and
 * says so. Before, metrics.csv and report.md gave 6.25 [-9.633, 22.13].
 */

const STUDY = `name: judged
turns: 20
repeats: 2
seed: 9
variability: 0.5
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
judge:
  model: offline
  scale: 10
  rubric:
    - release notes for version 2
    - tasks split, each with what done means
    - risks named
    - checked against the definition of done
variants:
  - name: baseline
`;

test("an experiment's judged score keeps its interval on the judge's scale, in metrics.csv and report.md", async () => {
  const root = defaultOrg();
  writeFileSync(join(root, 'judged.yaml'), STUDY);
  const tables = join(root, 'tables');
  const run = await lemmingAsync(root, ['experiment', join(root, 'judged.yaml'), '--plain', '--csv', tables]);
  expect(run.status, run.stderr).toBe(0);
  const read = readTablesFolder(tables);
  const scores = (read.runs ?? []).map((row) => Number(row.score));
  expect(scores).toHaveLength(2);
  for (const score of scores) expect(score >= 0 && score <= 10).toBe(true);
  // The planted case: the runs differ, so the t interval over them (1 degree of freedom) reaches past 0 and 10.
  const mean = (scores[0]! + scores[1]!) / 2;
  const half = 12.7062047 * (Math.abs(scores[0]! - scores[1]!) / Math.SQRT2 / Math.SQRT2);
  expect([mean - half < 0, mean + half > 10]).toEqual([true, true]);

  const score = (read.metrics ?? []).find((row) => row.metric === 'score' && row.variant === 'baseline');
  expect([score?.mean, score?.ci_low, score?.ci_high, score?.cut_at]).toEqual([String(mean), '0', '10', '0 10']);
  expect(readFileSync(join(root, 'experiments/judged/report.md'), 'utf8')).toContain(`| score | baseline | 2 | ${mean} |`);
  expect(readFileSync(join(root, 'experiments/judged/report.md'), 'utf8')).toMatch(/\| score \| baseline \| 2 \| [0-9.]+ \| [0-9.]+ \| \[0, 10\] \(cut at 0 and 10\) \|/);
}, 300_000);
