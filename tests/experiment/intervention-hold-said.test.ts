import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';

/*
 * An intervention's `hold:` is a hold made by hand, to study the org without an agent: it is said
 * and counted as the intervention's, not as a loop breaker's. Before, the run's last line, each
 * turn's line, status, retry, analyze, the experiment's line, report.md and runs.csv all said a loop
 * breaker held the agent (`held by a loop breaker`, `held (breaker)`, `held_by` `breaker`), in an
 * org that sets no breaker at all.
 */

const INTERVENTIONS = `interventions:
  - turn: 2
    hold: planner
  - turn: 3
    send: { to: manager, subject: More, body: "Also write the changelog." }
`;

const TASK = 'Please get the release notes for version 2 written and checked.';

/** The rows of a CSV file as records by column name (no field here holds a comma or a quote). */
function csvRows(file: string): Array<Record<string, string>> {
  const [head = '', ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = head.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [columns[index], value])));
}

describe("an intervention's hold is said as one", () => {
  test('run, status, analyze and retry say an intervention held the agent, and count its held turns under intervention', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'org/interventions.yaml'), INTERVENTIONS);
    expect(lemming(root, ['send', 'manager', '--subject', 'Release notes', TASK]).status).toBe(0);
    const run = await lemmingAsync(root, ['run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\[turn 2\] planner held by an intervention before turn 2 \(lemming retry planner calls it again\); its mail waits$/m);
    expect(run.stdout).toMatch(/^\[turn 3\] done: .*; held with work: 1 held by an intervention$/m);
    expect(run.stdout).toMatch(/^3 turn\(s\) run, now at turn 3; nothing left to do but mail for agents a limit holds: held by an intervention\.$/m);
    expect(run.stdout).toMatch(/^Held with work: 2 held by an intervention \(their mail waited\)\.$/m);
    expect(run.stdout).not.toMatch(/breaker/);

    const status = lemming(root, ['status']);
    expect(status.stdout).toMatch(/^planner is held by an intervention since turn 2 \(held by an intervention before turn 2\); `[^`]*retry planner[^`]*` calls it again$/m);
    expect((JSON.parse(lemming(root, ['status', '--json']).stdout) as { breakerHeld: unknown[] }).breakerHeld).toEqual([{ agent: 'planner', by: 'intervention', turn: 2, reason: 'held by an intervention before turn 2' }]);

    const analyze = lemming(root, ['analyze']);
    expect(analyze.stdout).toMatch(/^\| held by a loop breaker \| 0 \| agent-turns \|/m);
    expect(analyze.stdout).toMatch(/^\| held by an intervention \| 2 \| agent-turns \| org\/interventions\.yaml hold: \(lemming retry <agent>\) \|$/m);
    expect(analyze.stdout).toMatch(/^- 2 agent-turn\(s\) with mail not called, held by an intervention \(org\/interventions\.yaml hold:\), their mail left waiting/m);
    const refusals = (JSON.parse(lemming(root, ['analyze', '--json']).stdout) as { refusals: Record<string, number> }).refusals;
    expect(refusals).toMatchObject({ breaker: 0, intervention: 2 });

    const retry = lemming(root, ['retry', 'planner']);
    expect(retry.status).toBe(0);
    expect(retry.stdout).toBe('planner will be called again at the next turn (an intervention held it in turn 2: held by an intervention before turn 2).\n');
  });

  test("an experiment's run held by it ends held (intervention): its line, report.md and runs.csv say so", { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    const study = join(root, 'study.yaml');
    writeFileSync(study, `name: handheld\nturns: 10\nmessages:\n  - to: manager\n    subject: Release notes\n    body: ${TASK}\nvariants:\n  - name: held\n    ${INTERVENTIONS.replace(/\n/g, '\n    ').trimEnd()}\n`);
    const tables = tempDir();
    const result = await lemmingAsync(root, ['experiment', study, '--csv', tables]);
    expect(result.status).toBe(0);
    expect(`${result.stdout}\n${result.stderr}`).toMatch(/^held: held \(intervention\) after turn 3, /m);

    const report = readFileSync(join(root, 'experiments/handheld/report.md'), 'utf8');
    expect(report).toMatch(/\| held \(intervention\) \|/);
    expect(report).toMatch(/\| held by a loop breaker \(agent-turns\) \| held by an intervention \(agent-turns\) \|/);
    expect(report).toMatch(/`held`: 2 agent-turn\(s\) with mail in 1 of 1 run\(s\) not called, held by an intervention \(org\/interventions\.yaml hold:\)/);
    expect(report).not.toMatch(/\(breaker\)/);

    const [row] = csvRows(join(tables, 'runs.csv'));
    expect(row).toMatchObject({ ended: 'held', held_by: 'intervention', refusals_breaker: '0', refusals_intervention: '2' });
  });
});
