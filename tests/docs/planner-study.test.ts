import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { docSection, fencedBlock } from '../helpers/docs.js';
import { lemmingShell } from '../helpers/lemming-shell.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * docs/experiments.md's planner study (does removing the planner change the score, the credits and
 * the time to answer?), run as the page writes it in the default org on the offline model: the
 * rows the page shows of report.md (against the baseline, the organisation measured, messages per
 * edge) are the report's. Its difference cells follow the rule for a side whose runs are all alike
 * (src/statistics/runs-interval.ts); before this test nothing ran the page's study.
 */

const SECTION = '## Scored outcomes, seeded repeats, statistics';

const shell = lemmingShell();

describe("docs/experiments.md's planner study, run as written", () => {
  test("`lemming experiment planner.yaml` in the default org gives every row of the page's tables of its report", () => {
    const section = docSection('docs/experiments.md', SECTION);
    const root = defaultOrg();
    writeFileSync(join(root, 'planner.yaml'), fencedBlock(section, '# planner.yaml'));
    expect(section).toContain('`$ lemming experiment planner.yaml` writes, first in `report.md`:');
    const result = shell(root, 'lemming experiment planner.yaml', 300_000);
    expect(result.status, result.stderr).toBe(0);
    const report = readFileSync(join(root, 'experiments/planner/report.md'), 'utf8').split('\n');
    // Its rows: the variants against the baseline, the organisation measured in each, and messages per edge.
    const rows = section.split('\n').filter((line) => /^\| (baseline|no-planner|\w+ → \w+) \|/.test(line));
    expect(rows).toHaveLength(18);
    for (const row of rows) expect(report, row).toContain(row);
  }, 300_000);
});
