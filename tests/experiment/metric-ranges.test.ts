import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { releaseNotesStudy } from '../helpers/release-notes-study.js';

/*
 * docs/validation.md's release-notes study (the default org, four seeded repeats on the offline model,
 * two checks): three runs pass both checks and one only `answered`, so the pass rate is 0.875, whose
 * t interval over the 4 runs is [0.477, 1.273]: past 1, a share no run can have. Before, report.md,
 * report.json and metrics.csv gave it so; now it is cut at 1 and says so, by the rule
 * `calibrate --people` and `analyze --reference` use (src/statistics/figure-range.ts).
 */

const STUDY = releaseNotesStudy();

interface Summary {
  n: number;
  mean: number;
  ci: [number, number] | null;
  cutAt?: number[];
  alike?: true;
}

test("an experiment's pass rate keeps its interval within 0 to 1, and says where it was cut", { timeout: 300_000 }, async () => {
  const root = defaultOrg();
  writeFileSync(join(root, 'study.yaml'), STUDY);
  const folder = join(root, 'tables');
  const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml'), '--plain', '--csv', folder]);
  expect(result.status, result.stderr).toBe(0);
  const tables = readTablesFolder(folder);
  const rates = (tables.runs ?? []).map((row) => Number(row.pass_rate));
  expect(rates.sort()).toEqual([0.5, 1, 1, 1]);

  const report = JSON.parse(readFileSync(join(root, 'experiments/study/report.json'), 'utf8')) as { statistics: { metrics: Array<{ key: string; variants: Record<string, Summary> }> } };
  const passRate = report.statistics.metrics.find((metric) => metric.key === 'pass_rate')?.variants.baseline;
  expect(passRate?.mean).toBe(0.875);
  expect(passRate?.ci?.[0]).toBeCloseTo(0.4772, 4);
  expect(passRate?.ci?.[1]).toBe(1);
  expect(passRate?.cutAt).toEqual([1]);
  // The counts and credits stay at 0 or above; none of these reached past it.
  // A count whose runs were all alike (refusals: 0 in every run) has no interval, said, rather than [0, 0].
  for (const metric of report.statistics.metrics) {
    const summary = metric.variants.baseline!;
    if (summary.ci === null) expect(summary.alike, metric.key).toBe(true);
    else expect(summary.ci[0], metric.key).toBeGreaterThanOrEqual(0);
  }

  const row = (tables.metrics ?? []).find((each) => each.metric === 'pass_rate');
  expect([row?.ci_high, row?.cut_at]).toEqual(['1', '1']);
  expect(readFileSync(join(root, 'experiments/study/report.md'), 'utf8')).toContain('| pass rate | baseline | 4 | 0.875 | 0.25 | [0.4772, 1] (cut at 1) |');
});
