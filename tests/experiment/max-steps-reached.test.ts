import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { RELEASE_NOTES_TASK } from '../helpers/release-notes-study.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * A call stopped at `engine.max_steps` is a limit that decided part of a study: its agent's tools ran
 * and their results were never seen. The offline coder saves its work, writes a test and runs it, a
 * step each; at `max_steps: 2` its third step is cut. The report's settings table named the limit,
 * but nothing said it was reached: `short`'s runs read as any other. Now "What the figures cannot
 * support" says how many calls of which variant's runs stopped there, and runs.csv and report.json
 * count them per run, and `lemming analyze` of a run says it as well.
 */

const STUDY = `name: steps
turns: 8
${RELEASE_NOTES_TASK}variants:
  - name: baseline
  - name: short
    org:
      engine: { max_steps: 2 }
`;

describe('an experiment whose calls reached engine.max_steps', () => {
  test("says so in the report, runs.csv, report.json and each run's analyze, for the variant that reached it alone", { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'steps.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'steps.yaml'), '--csv', join(root, 'tables')]);
    expect(result.status, result.stderr).toBe(0);
    const folder = join(root, 'experiments/steps');

    const markdown = readFileSync(join(folder, 'report.md'), 'utf8');
    expect(markdown).toContain('What the figures cannot support:');
    expect(markdown).toContain(
      "- `short`: 1 call(s) in 1 of 1 run(s) stopped at engine.max_steps (2), their tools' last results unseen by the model: the figures measure that limit too (runs.csv `calls_at_max_steps`).",
    );
    expect(markdown).not.toMatch(/`baseline`: \d+ call\(s\)/);

    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as { runs: Array<{ run: string; callsAtMaxSteps?: number }> };
    expect(report.runs.map((run) => [run.run, run.callsAtMaxSteps])).toEqual([
      ['baseline', 0],
      ['short', 1],
    ]);

    const [header, ...rows] = readFileSync(join(root, 'tables/runs.csv'), 'utf8').trim().split('\n');
    const column = header?.split(',').indexOf('calls_at_max_steps') ?? -1;
    expect(column).toBeGreaterThan(-1);
    expect(rows.map((row) => [row.split(',')[0], row.split(',')[column]])).toEqual([
      ['baseline', '0'],
      ['short', '1'],
    ]);
    expect(readFileSync(join(root, 'tables/dictionary.csv'), 'utf8')).toMatch(/^runs,calls_at_max_steps,integer,calls,/m);

    // `lemming analyze` of each run says the same of it, in its text and its JSON.
    const said = "1 call(s) stopped at engine.max_steps (2), their tools' last results unseen by the model: the figures measure that limit too.";
    const short = await lemmingAsync(join(folder, 'short'), ['analyze']);
    expect(short.status, short.stderr).toBe(0);
    expect(short.stdout).toContain(`What the figures cannot support:\n\n- ${said}`);
    const json = await lemmingAsync(join(folder, 'short'), ['analyze', '--json']);
    expect((JSON.parse(json.stdout) as { provenance: { caveats: string[] } }).provenance.caveats).toEqual([said]);
    const baseline = await lemmingAsync(join(folder, 'baseline'), ['analyze']);
    expect(baseline.stdout).not.toContain('engine.max_steps (');
  });
});
