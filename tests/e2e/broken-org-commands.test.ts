import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/**
 * A default org that has run to idle, so every agent has mail, a log and credits spent: a copy of
 * the one this file ran once.
 */
const ranOrg = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Write the release notes', '--subject', 'Release notes']);
  step(root, ['run']);
});

/** Break the chart at a known line: an unclosed list in the planner's `send_to`. */
function breakChart(root: string): number {
  const chart = read(root, 'org/chart.yaml');
  write(root, 'org/chart.yaml', chart.replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_01'));
  return chart.split('\n').findIndex((line) => line.includes('send_to: [manager, coder_01]')) + 1;
}

describe('commands that read work while the org files have errors', () => {
  test('status, inbox, inspect and logs show the problems first, then the rest', () => {
    const root = ranOrg();
    breakChart(root);
    rmSync(join(root, 'agents', 'janitor'), { recursive: true });

    const status = lemming(root, ['status']);
    expect(status.status).toBe(0);
    expect(status.stderr).toMatch(/^lemming: the org's files have 1 error\(s\); what follows uses each file's valid part/);
    expect(status.stderr).toMatch(/\n {2}error: org\/chart\.yaml:\d+: is not valid YAML/);
    expect(status.stdout).toContain('lemming-default at turn 5');
    expect(status.stdout).toMatch(/manager\s+offline\s+0\.49\d\d \/ 0\.5000/);
    expect(status.stdout).toMatch(/\nhuman\s+human\s+-\s+1\s/);
    expect(status.stdout).not.toMatch(/\njanitor /);
    const json = JSON.parse(lemming(root, ['status', '--json']).stdout) as { turn: number; problems: Array<{ file: string; severity: string }> };
    expect(json.turn).toBe(5);
    expect(json.problems).toContainEqual(expect.objectContaining({ file: 'org/chart.yaml', severity: 'error' }));

    // The chart last loaded valid still says who may write to the human: the manager's reply is there.
    const inbox = lemming(root, ['inbox']);
    expect(inbox.status).toBe(0);
    expect(inbox.stderr).toContain('org/chart.yaml');
    expect(inbox.stdout).toMatch(/\* \[turn 5\] 000005-manager-001 from manager \(reply to 000000-human-001\): Re: Release notes/);

    const inspect = lemming(root, ['inspect', 'planner']);
    expect(inspect.status).toBe(0);
    expect(inspect.stdout).toMatch(/send_to\s+coder_01, manager/);
    expect(inspect.stdout).toMatch(/recent mail in:\n {2}\[turn 1\] from manager/);

    const logs = lemming(root, ['logs', 'manager']);
    expect(logs.status).toBe(0);
    expect(logs.stderr).toContain('org/chart.yaml');
    expect(logs.stdout).toMatch(/\[turn 1\] \S+ called/);
  });

  test('on a machine that never loaded the chart valid, status still shows the agents and says what stands in', () => {
    const root = ranOrg();
    breakChart(root);
    rmSync(join(root, 'org', 'state', 'cache', 'parse-cache.json'));
    write(root, 'agents/hr/resume.md', '---\ntitle: [\n---\n');
    const status = lemming(root, ['status']);
    expect(status.status).toBe(0);
    expect(status.stderr).toContain('org/chart.yaml has had no valid version on this machine, so an empty one stands in');
    expect(status.stdout).toMatch(/manager\s+offline\s+0\.49\d\d \/ 0\.5000/);
    // An agent whose resume never loaded valid is left out, and asking for it says why.
    const inspect = lemming(root, ['inspect', 'hr']);
    expect(inspect.status).toBe(1);
    expect(inspect.stderr).toContain('lemming: agents/hr/resume.md has errors (`lemming validate` lists them), so hr is left out until it is fixed');
  });

  test('commands that run turns still refuse a broken org, naming every problem', () => {
    const root = ranOrg();
    const line = breakChart(root);
    lemming(root, ['send', 'manager', 'More']);
    const run = lemming(root, ['run']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^lemming: org/chart\\.yaml:${line}: is not valid YAML`));
  });

  test('validate lists a misspelt model together with the schema errors of the same files, in one pass', () => {
    const root = defaultOrg();
    write(root, 'agents/hr/resume.md', '---\ntitle: HR\nmodel: gpt-4o-minni\ncredits: lots\nbudget: 3\n---\nHire people.\n');
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('max_turns: 50', 'max_turns: fifty'));
    const result = lemming(root, ['validate']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/error: org\/org\.yaml:\d+: engine\.max_turns: /);
    expect(result.stdout).toMatch(/error: agents\/hr\/resume\.md:3: model: names the model "gpt-4o-minni", which is not in org\/org\.yaml models/);
    expect(result.stdout).toMatch(/error: agents\/hr\/resume\.md:4: credits: /);
    expect(result.stdout).toMatch(/error: agents\/hr\/resume\.md:\d+: budget: unknown field "budget"/);
    expect(result.stderr).toContain('4 error(s)');
  });
});
