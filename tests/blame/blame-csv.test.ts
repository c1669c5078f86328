import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { releaseNotesStudy } from '../helpers/release-notes-study.js';

/*
 * The researcher's path of docs/validation.md ("A failed run, blamed"): the default org on the offline
 * model, the release notes asked of four seeded repeats, and `baseline-r4` (seed 10), whose answer
 * says nothing of tests, blamed with `--csv`. Every credits figure is recounted from the forks'
 * ledgers, in billionths of a credit (the ledger's unit), and report.md, report.json and the tables
 * are read against each other.
 */

const STUDY = releaseNotesStudy();

interface Rate {
  forks: number;
  passed: number;
  calls: number;
  credits: number;
}
interface Fork {
  turn: number;
  agent: string;
  fork: string;
  control: boolean;
  calls: number;
  credits: number;
}
interface Report {
  folder: string;
  forks: Fork[];
  probes: Fork[];
  steps: Array<Rate & { turn: number; agent: string; control?: Rate }>;
  agents: Array<Rate & { agent: string; control?: Rate }>;
  spent: { forks: number; calls: number; credits: number };
}

/** A fork's own charges, from its step's turn on, in billionths: read from its ledger as a person would, one JSON line a charge. */
function chargedNano(folder: string, turn: number): { calls: number; nano: number } {
  const lines = readFileSync(join(folder, 'org/state/ledger.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
  const own = lines.map((line) => JSON.parse(line) as { type: string; turn: number; credits: number }).filter((entry) => entry.type === 'charge' && entry.turn >= turn);
  return { calls: own.length, nano: own.reduce((sum, entry) => sum + Math.round(entry.credits * 1e9), 0) };
}

const nanoOf = (forks: readonly Fork[], chosen: (fork: Fork) => boolean): number => forks.filter(chosen).reduce((sum, fork) => sum + Math.round(fork.credits * 1e9), 0);

test("lemming blame --csv, on the docs' failed run", { timeout: 300_000 }, async () => {
  // One test: the setup file removes the temporary folders after each.
  const root = defaultOrg();
  writeFileSync(join(root, 'study.yaml'), STUDY);
  const experiment = await lemmingAsync(root, ['experiment', join(root, 'study.yaml'), '--plain']);
  expect(experiment.status, experiment.stderr).toBe(0);
  const run = join(root, 'experiments/study/baseline-r4');
  const blame = await lemmingAsync(root, ['blame', run, '--check', 'tested', '--checks', join(root, 'study.yaml'), '-k', '2', '--controls', '1', '--csv', join(root, 'tables')]);
  expect(blame.status, blame.stderr).toBe(0);
  const reportText = readFileSync(join(run, 'blame/tested/report.json'), 'utf8');
  const report = JSON.parse(reportText) as Report;
  const markdown = readFileSync(join(run, 'blame/tested/report.md'), 'utf8');

  // Each credits figure of report.json is its forks' ledgers summed in billionths, with no float noise.
  {
    expect(report.forks.length).toBeGreaterThan(3);
    let spent = 0;
    for (const fork of [...report.forks, ...report.probes]) {
      const charged = chargedNano(join(report.folder, fork.fork), fork.turn);
      expect({ fork: fork.fork, calls: fork.calls, credits: fork.credits }).toEqual({ fork: fork.fork, calls: charged.calls, credits: charged.nano / 1e9 });
      spent += charged.nano;
    }
    expect(report.spent.credits).toBe(spent / 1e9);
    for (const step of report.steps) {
      const mine = (control: boolean) => (fork: Fork) => fork.turn === step.turn && fork.agent === step.agent && fork.control === control;
      expect(step.credits, `turn ${step.turn} ${step.agent}`).toBe(nanoOf(report.forks, mine(false)) / 1e9);
      expect(step.control?.credits, `turn ${step.turn} ${step.agent}'s controls`).toBe(nanoOf(report.forks, mine(true)) / 1e9);
    }
    for (const agent of report.agents) expect(agent.credits, agent.agent).toBe(nanoOf(report.forks, (fork) => fork.agent === agent.agent && !fork.control) / 1e9);
    // What a reader of report.json sees: no credits written past the billionth (0.050422499999999995).
    const noisy = [...reportText.matchAll(/"(\w*[cC]redits)": (-?\d+\.\d{10,})/g)].map((match) => `${match[1]}: ${match[2]}`);
    expect(noisy).toEqual([]);
  }

  // steps.csv and blame_agents.csv hold report.json's figures, each column in the dictionary; report.md's credits are the CSV's changed and control credits together.
  {
    expect(blame.stderr).toContain(`wrote 4 table file(s) to ${join(root, 'tables')}/: steps.csv, blame_agents.csv, provenance.csv, dictionary.csv`);
    const tables = readTablesFolder(join(root, 'tables'));
    expect(tables.steps?.map((row) => [row.turn, row.agent, row.forks, row.passed, row.control_forks, row.control_passed, row.calls, row.credits, row.control_calls, row.control_credits])).toEqual(
      report.steps.map((step) => [step.turn, step.agent, step.forks, step.passed, step.control?.forks, step.control?.passed, step.calls, step.credits, step.control?.calls, step.control?.credits].map(String)),
    );
    expect(tables.blame_agents?.map((row) => [row.agent, row.forks, row.passed, row.calls, row.credits])).toEqual(report.agents.map((agent) => [agent.agent, agent.forks, agent.passed, agent.calls, agent.credits].map(String)));
    // report.md's step row gives calls and credits of the step's forks and its controls together, to 4 places.
    for (const [index, row] of (tables.steps ?? []).entries()) {
      const together = (Number(row.credits) + Number(row.control_credits)).toFixed(4);
      const calls = Number(row.calls) + Number(row.control_calls);
      expect(markdown).toContain(`| ${index + 1} | ${row.turn} | ${row.agent} | ${row.forks} | ${row.passed} |`);
      expect(markdown.split('\n').find((line) => line.startsWith(`| ${index + 1} | ${row.turn} | ${row.agent} |`))).toMatch(new RegExp(`\\| ${calls} \\| ${together.replace('.', '\\.')} \\|$`));
    }
  }

  // Blamed again, each fork is read back from its saved result, not run again: its calls and credits are
  // its ledger's still, whatever the saved file says (an earlier lemming wrote 0.050422499999999995 there).
  {
    const first = report.forks[0]!;
    const saved = join(report.folder, first.fork, 'blame-fork.json');
    writeFileSync(saved, JSON.stringify({ ...(JSON.parse(readFileSync(saved, 'utf8')) as object), calls: first.calls + 1, credits: first.credits + 1e-12 }));
    const again = await lemmingAsync(root, ['blame', run, '--check', 'tested', '--checks', join(root, 'study.yaml'), '-k', '2', '--controls', '1']);
    expect(again.status, again.stderr).toBe(0);
    const reread = JSON.parse(readFileSync(join(run, 'blame/tested/report.json'), 'utf8')) as Report;
    expect(reread.forks.map((fork) => [fork.fork, fork.calls, fork.credits])).toEqual(report.forks.map((fork) => [fork.fork, fork.calls, fork.credits]));
    expect(reread.spent.credits).toBe(report.spent.credits);
  }
});
