import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { setKeepHistory } from '../helpers/org-files.js';

/**
 * The default org, its chart opened so the person may write to planner, hr and janitor too, and a
 * study that writes to all four, run three turns twice. Variant `one` lets one agent act a turn
 * (seed 7): planted, each run draws three agents and never the manager, whose letter waits all run.
 * Before, activation.csv counted agent-turns only and report.md said nothing of who was left out.
 */
const STUDY = `name: draws
turns: 3
repeats: 2
messages:
  - to: manager
    body: Write the release notes.
  - to: planner
    body: Please report on your work.
  - to: hr
    body: Please report on your work.
  - to: janitor
    body: Please report on your work.
variants:
  - name: baseline
  - name: one
    org: { engine: { activation: { seed: 7, rules: [ { match: {}, at_most: 1 } ] } } }
`;

describe('an experiment variant whose activation rule never drew an agent with work', () => {
  test('activation.csv counts the agents drawn and never drawn a run, and report.md names those never drawn', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    const opened = read(root, 'org/chart.yaml')
      .replace('send_to: [manager]\n    read_from: ["*"]', 'send_to: [manager, planner, hr, janitor]\n    read_from: ["*"]')
      .replace('read_from: [manager, coder_01]', 'read_from: [manager, coder_01, human]')
      .replaceAll('send_to: [manager]\n    read_from: [manager]', 'send_to: [manager]\n    read_from: [manager, human]');
    write(root, 'org/chart.yaml', opened);
    write(root, 'draws.yaml', STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'draws.yaml'), '--csv', join(root, 'tables')]);
    expect(result.status, result.stderr).toBe(0);

    const tables = readTablesFolder(join(root, 'tables'));
    expect(tables.activation?.map((row) => [row.run, row.governed, row.drawn, row.agents_drawn, row.agents_never_drawn])).toEqual([
      ['one-r1', '9', '3', '3', '1'],
      ['one-r2', '9', '3', '3', '1'],
    ]);
    const said = '`one`: activation rule 1 (every agent) never drew 2 of the 8 agent(s) with work it governed (counted once a run) in 2 of 2 run(s) (manager): their work is no part of the figures, which measure a sample that left them out (org/org.yaml engine.activation) (activation.csv).';
    const markdown = readFileSync(join(root, 'experiments/draws/report.md'), 'utf8');
    expect(markdown.slice(markdown.indexOf('What the figures cannot support:'))).toContain(`\n- ${said}\n`);
    expect(tables.provenance?.filter((row) => row.kind === 'caveat').map((row) => row.value)).toContain(said);
  });

  test('a run forked after turn 1 counts the agents of its own turns, those the base named in turn 1 too', { timeout: 120_000 }, async () => {
    // The base: one agent drawn a turn (seed 7), mail for the manager, planner, hr and janitor, run one turn (hr drawn).
    const base = defaultOrg();
    write(base, 'org/org.yaml', read(base, 'org/org.yaml').replace(/^engine:\n/m, 'engine:\n  activation:\n    seed: 7\n    rules:\n      - probability: 1\n        at_most: 1\n'));
    setKeepHistory(base, true);
    expect(lemming(base, ['send', 'manager', 'Write the release notes.']).status).toBe(0);
    for (const agent of ['planner', 'hr', 'janitor']) expect(lemming(base, ['send', '--from', 'manager', agent, 'Please report on your work.']).status).toBe(0);
    expect(lemming(base, ['run', '--turns', '1']).status).toBe(0);
    write(base, 'forked.yaml', 'name: forked\nbase: .@1\nturns: 2\nvariants:\n  - name: as-was\n');
    const result = await lemmingAsync(base, ['experiment', join(base, 'forked.yaml'), '--csv', join(base, 'tables')]);
    expect(result.status, result.stderr).toBe(0);
    // Planted: turn 2 draws planner of janitor, manager and planner; turn 3 janitor of coder_01, janitor and manager.
    // The manager and coder_01 are never drawn in the run. Before, the run's lines did not name again the agents the
    // base's turn 1 had named, and the manager, governed in turn 1, was missing: 1 agent never drawn, not 2.
    const tables = readTablesFolder(join(base, 'tables'));
    expect(tables.activation?.map((row) => [row.run, row.governed, row.drawn, row.agents_drawn, row.agents_never_drawn])).toEqual([['as-was', '6', '2', '2', '2']]);
    const markdown = readFileSync(join(base, 'experiments/forked/report.md'), 'utf8');
    expect(markdown).toContain('`as-was`: activation rule 1 (every agent) never drew 2 of the 4 agent(s) with work it governed (counted once a run) in 1 of 1 run(s) (coder_01, manager)');
  });
});
