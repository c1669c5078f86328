import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * One value has no sample standard deviation: a variant of one run, or a survey question one agent
 * answered, says nothing of how its values spread. A report that printed 0 there told a reader the
 * runs did not vary, which one run cannot show; the figure is left empty, as its interval is.
 */

const STUDY = `name: single
turns: 8
repeats: 1
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
survey:
  - question: How busy are you, from 1 to 5?
    number: true
    ask: manager
variants:
  - name: baseline
  - name: no-planner
    chart:
      manager: { send_to: [human, hr, janitor] }
`;

interface Report {
  statistics: { metrics: Array<{ key: string; variants: Record<string, { n: number; mean: number | null; sd: number | null; ci: [number, number] | null }> }> };
  survey: Array<{ variants: Array<{ variant: string; numbers?: { n: number; sd: number | null } }> }>;
}

describe('a figure over one value has no spread', () => {
  test("repeats: 1 gives each metric's sd and a lone survey answer's sd as no value, in report.md, report.json and the CSVs", { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'single.yaml'), STUDY);
    const tables = join(root, 'tables');
    const result = await lemmingAsync(root, ['experiment', join(root, 'single.yaml'), '--csv', tables]);
    expect(result.status, result.stderr).toBe(0);
    const folder = join(root, 'experiments/single');
    const markdown = readFileSync(join(folder, 'report.md'), 'utf8');
    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as Report;

    // The credits of the one baseline run: a mean, no sd, no interval.
    const credits = report.statistics.metrics.find((metric) => metric.key === 'credits')?.variants.baseline;
    expect(credits).toMatchObject({ n: 1, sd: null, ci: null });
    expect(credits?.mean).toBeGreaterThan(0);
    expect(markdown).toMatch(/^\| credits \| baseline \| 1 \| [0-9.]+ \| – \| – \|$/m);
    const csv = readTablesFolder(tables);
    const row = csv.metrics?.find((each) => each.metric === 'credits' && each.variant === 'baseline');
    expect(row).toMatchObject({ n: '1', sd: '', ci_low: '', ci_high: '' });

    // One agent asked in one run: one answer, no sd.
    const numbers = report.survey[0]?.variants.find((each) => each.variant === 'baseline')?.numbers;
    expect(numbers).toMatchObject({ n: 1, sd: null, ci: null });
    expect(markdown).toMatch(/^\| baseline \| 1 \| [0-9.]+ \| – \| – \| 1 agent of 1 run \(bootstrap\) \|$/m);
    expect(csv.survey?.find((each) => each.variant === 'baseline')).toMatchObject({ n: '1', sd: '' });
  });
});
