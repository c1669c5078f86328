import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { tempDir } from '../helpers/temp-dirs.js';

/** What `lemming analyze --json` prints, as far as this test reads it. */
interface AnalysisJson {
  activation: Array<{ rule: number; governed: number; drawn: number; agentsDrawn?: number; neverDrawn?: string[] }>;
  provenance: { caveats: string[] };
}

/**
 * An org from `init` whose one activation rule governs every agent and lets at most one act a turn
 * (seed 7), with mail for four agents, run three turns on the offline model. Planted: the rule draws
 * hr, then planner, then janitor; the manager (the person's mail waiting all run) and coder_01 (mail
 * from turn 2) have work and are never drawn. Before, the turn record kept only counts
 * (`{rule, governed, drawn}`), and analyze said "drew 3 of 10": nothing said who was left out.
 */
function orgWithOneDrawATurn(runs: string[][] = [['run', '--turns', '3']]): string {
  const root = tempDir();
  expect(lemming(root, ['init']).status).toBe(0);
  const orgYaml = join(root, 'org/org.yaml');
  writeFileSync(orgYaml, readFileSync(orgYaml, 'utf8').replace(/^engine:\n/m, 'engine:\n  activation:\n    seed: 7\n    rules:\n      - probability: 1\n        at_most: 1\n'));
  expect(lemming(root, ['send', 'manager', 'Write the release notes.']).status).toBe(0);
  for (const agent of ['planner', 'hr', 'janitor']) expect(lemming(root, ['send', '--from', 'manager', agent, 'Please report on your work.']).status).toBe(0);
  for (const args of runs) {
    const run = lemming(root, args);
    expect(run.status, run.stderr).toBe(0);
  }
  return root;
}

const SAID = 'activation rule 1 (every agent) never drew 2 of the 5 agent(s) with work it governed (coder_01, manager): their work is no part of the figures, which measure a sample that left them out (org/org.yaml engine.activation).';

describe('which agents an activation rule never drew', () => {
  test('analyze, its --json and activation.csv count the agents drawn and never drawn, and a caveat names those never drawn', () => {
    const root = orgWithOneDrawATurn();

    const json = lemming(root, ['analyze', '--json']);
    expect(json.status, json.stderr).toBe(0);
    const analysis = JSON.parse(json.stdout) as AnalysisJson;
    expect(analysis.activation).toEqual([{ rule: 1, match: 'every agent', governed: 10, drawn: 3, agentsDrawn: 3, neverDrawn: ['coder_01', 'manager'] }]);
    expect(analysis.provenance.caveats).toContain(SAID);

    const text = lemming(root, ['analyze']);
    expect(text.stdout).toContain('| 1 | every agent | 10 | 3 | 7 | 3 | 2: coder_01, manager |');
    expect(text.stdout).toContain(`What the figures cannot support:\n\n- ${SAID}`);

    expect(lemming(root, ['analyze', '--csv', join(root, 'tables')]).status).toBe(0);
    const tables = readTablesFolder(join(root, 'tables'));
    expect(tables.activation).toEqual([{ rule: '1', match: 'every agent', governed: '10', drawn: '3', agents_drawn: '3', agents_never_drawn: '2' }]);
  });

  test('a turn recorded without the names (before lemming kept them) makes them unknown, not none', () => {
    const root = orgWithOneDrawATurn();
    const taken = join(root, 'org/state/taken.jsonl');
    const lines = readFileSync(taken, 'utf8').trimEnd().split('\n');
    // Turn 1's line as an older lemming wrote it: counts only.
    const first = JSON.parse(lines[0] ?? '{}') as { draws: Array<Record<string, unknown>> };
    first.draws = first.draws.map(({ rule, governed, drawn }) => ({ rule, governed, drawn }));
    writeFileSync(taken, `${[JSON.stringify(first), ...lines.slice(1)].join('\n')}\n`);

    const analysis = JSON.parse(lemming(root, ['analyze', '--json']).stdout) as AnalysisJson;
    expect(analysis.activation).toEqual([{ rule: 1, match: 'every agent', governed: 10, drawn: 3 }]);
    expect(analysis.provenance.caveats.filter((line) => line.includes('never drew'))).toEqual([]);
    expect(lemming(root, ['analyze']).stdout).toContain('| 1 | every agent | 10 | 3 | 7 | unknown | unknown |');
    expect(lemming(root, ['analyze', '--csv', join(root, 'tables')]).status).toBe(0);
    expect(readTablesFolder(join(root, 'tables')).activation).toEqual([{ rule: '1', match: 'every agent', governed: '10', drawn: '3', agents_drawn: '', agents_never_drawn: '' }]);
  });

  test('a run resumed in a new process each turn names each agent once, as one process does', () => {
    const once = orgWithOneDrawATurn();
    const resumed = orgWithOneDrawATurn([1, 2, 3].map(() => ['run', '--turns', '1']));
    const draws = (root: string): unknown[] => readFileSync(join(root, 'org/state/taken.jsonl'), 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { draws?: unknown }).draws);
    // Turn 1 names the four with work and hr drawn; turn 2 only planner drawn; turn 3 coder_01, new to work, and janitor drawn.
    const named = [
      [{ rule: 1, governed: 4, drawn: 1, firstGoverned: ['hr', 'janitor', 'manager', 'planner'], firstDrawn: ['hr'] }],
      [{ rule: 1, governed: 3, drawn: 1, firstGoverned: [], firstDrawn: ['planner'] }],
      [{ rule: 1, governed: 3, drawn: 1, firstGoverned: ['coder_01'], firstDrawn: ['janitor'] }],
    ];
    expect(draws(once)).toEqual(named);
    expect(draws(resumed)).toEqual(named);
    expect((JSON.parse(lemming(resumed, ['analyze', '--json']).stdout) as AnalysisJson).activation).toEqual([{ rule: 1, match: 'every agent', governed: 10, drawn: 3, agentsDrawn: 3, neverDrawn: ['coder_01', 'manager'] }]);
  });
});
