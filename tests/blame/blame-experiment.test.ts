import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { blameExperimentRuns } from '../../src/blame/blame-experiment.js';
import type { ExperimentOutcome } from '../../src/experiment/run-experiment.js';
import { tempDir } from '../helpers/temp-org.js';
import { CHECK, CULPRIT, failedRun, failingSeed, scriptedModels } from './blame-org.js';

it("an experiment's blame: blames the runs that failed its check, and only those, and ends the report with them", async () => {
  const folder = tempDir();
  const failed = await failedRun(failingSeed(3));
  cpSync(failed, join(folder, 'ring-r1'), { recursive: true });
  writeFileSync(join(folder, 'report.md'), '# the report\n');
  const outcome = {
    experiment: { blame: { check: CHECK.name, k: 1, path: false, seed: 2 }, variants: [{ name: 'ring', outcome: { checks: [CHECK] } }] },
    folder,
    runs: [
      { run: 'ring-r1', variant: 'ring', outcome: { checks: [{ name: CHECK.name, passed: false }] } },
      { run: 'ring-r2', variant: 'ring', outcome: { checks: [{ name: CHECK.name, passed: true }] } },
    ],
    report: { markdown: join(folder, 'report.md') },
  } as unknown as ExperimentOutcome;
  const found = await blameExperimentRuns(outcome, { providerFactory: () => scriptedModels() });
  expect(found.map((each) => each.run)).toEqual(['ring-r1']);
  expect(found[0]!.report!.steps).toHaveLength(20);
  expect(existsSync(join(folder, 'ring-r1', 'blame', CHECK.name, `t${CULPRIT.turn}-${CULPRIT.agent}-1`, 'blame-fork.json'))).toBe(true);
  expect(JSON.parse(readFileSync(join(folder, 'blame.json'), 'utf8'))).toHaveLength(1);
  const report = readFileSync(join(folder, 'report.md'), 'utf8');
  expect(report).toContain(`## Blame: the steps that made runs fail ${CHECK.name}`);
  expect(report).toMatch(/- ring-r1: turn \d+ [abcd] \d\/1/);
  // Each step's one try beside its one control (k: 1, controls default to k).
  expect(report).toMatch(/- ring-r1: turn \d+ [abcd] \d\/1 \([^)]*\) against 0\/1, p = 1\.000 \(adjusted 1\.000\), (unclear|none)/);
  expect(report).not.toContain('ring-r2');
}, 300_000);
