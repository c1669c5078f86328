import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { releaseNotesStudy } from '../helpers/release-notes-study.js';

/*
 * docs/validation.md's failed run, blamed inside its experiment (`blame:`) with `--csv`: the default
 * org on the offline model, four seeded repeats of the release notes, the runs that fail `tested`
 * blamed. Before, the tables were the experiment's alone (runs, variants, metrics, reach, activation):
 * blame's figures were in blame.json and report.md only, where `lemming blame --csv` writes steps.csv
 * and blame_agents.csv. Now the experiment's --csv carries them too, a row per blamed run and step
 * (and agent), made by blame's own table builder, and each row is blame.json's.
 */

const STUDY = releaseNotesStudy('blame: { check: tested, k: 1, controls: 1 }\n');

interface Rate {
  forks: number;
  passed: number;
  calls: number;
  credits: number;
}

interface RunBlame {
  run: string;
  report?: { steps: Array<Rate & { turn: number; agent: string; verdict: string; control?: Rate }>; agents: Array<Rate & { agent: string }> };
}

test("an experiment's blame: goes into its --csv tables as lemming blame's do, a row per blamed run's step and agent", { timeout: 300_000 }, async () => {
  const root = defaultOrg();
  writeFileSync(join(root, 'study.yaml'), STUDY);
  const folder = join(root, 'tables');
  const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml'), '--plain', '--csv', folder]);
  expect(result.status, result.stderr).toBe(0);
  expect(result.stderr).toContain(`wrote 9 table file(s) to ${folder}/: runs.csv, variants.csv, metrics.csv, reach.csv, activation.csv, steps.csv, blame_agents.csv, provenance.csv, dictionary.csv`);

  const blamed = (JSON.parse(readFileSync(join(root, 'experiments/study/blame.json'), 'utf8')) as RunBlame[]).filter((each) => each.report !== undefined);
  expect(blamed.length).toBeGreaterThan(0);
  const tables = readTablesFolder(folder);
  expect(tables.steps?.map((row) => [row.run, row.rank, row.turn, row.agent, row.forks, row.passed, row.control_forks, row.control_passed, row.credits, row.verdict])).toEqual(
    blamed.flatMap((each) =>
      each.report!.steps.map((step, index) => [each.run, index + 1, step.turn, step.agent, step.forks, step.passed, step.control?.forks, step.control?.passed, step.credits, step.verdict].map((cell) => (cell === undefined ? '' : String(cell)))),
    ),
  );
  expect(tables.blame_agents?.map((row) => [row.run, row.agent, row.forks, row.passed, row.credits])).toEqual(
    blamed.flatMap((each) => each.report!.agents.map((agent) => [each.run, agent.agent, agent.forks, agent.passed, agent.credits].map(String))),
  );
  // What report.md's blame section names is in the table: each blamed run's step most to blame.
  const report = readFileSync(join(root, 'experiments/study/report.md'), 'utf8');
  for (const each of blamed) {
    const top = tables.steps!.find((row) => row.run === each.run && row.rank === '1')!;
    expect(report).toContain(`- ${each.run}: turn ${top.turn} ${top.agent} ${top.passed}/${top.forks}`);
  }
});
