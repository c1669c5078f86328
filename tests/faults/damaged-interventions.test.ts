import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';

/**
 * `org/state/interventions.jsonl` records each intervention started, then done, a whole line at a
 * time. A line damaged in the middle (an edit, a disk) was skipped unsaid: the intervention it said
 * was done was carried out again, told again in the run's output and logged again. Now the run stops
 * on it, naming the file and the line. A last line a crash cut short is still passed over, and cut
 * before the next record is appended (appended after it, the next record would have been lost too).
 */

const INTERVENTIONS = 'interventions:\n  - turn: 2\n    credits: { agent: coder_01, top_up: 0.5 }\n  - turn: 2\n    send: { to: manager, subject: Changelog, body: "Please also check the changelog." }\n';

const org = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Plan the release']);
  writeFileSync(join(root, 'org/interventions.yaml'), INTERVENTIONS);
  step(root, ['run', '--turns', '2']);
});

const RECORDS = 'org/state/interventions.jsonl';

function records(root: string): string[] {
  return readFileSync(join(root, RECORDS), 'utf8').split('\n');
}

describe('a damaged line in the record of interventions carried out', () => {
  test('as the run left it, the next turn carries out neither again', () => {
    const root = org();
    expect(records(root).filter((line) => line.includes('"status":"done"'))).toHaveLength(2);
    const run = lemming(root, ['run', '--turns', '1', '--plain']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('intervention:');
  });

  test('the top-up\'s done line replaced by garbage stops the run naming the file and line; nothing is carried out or written', () => {
    const root = org();
    const lines = records(root);
    expect(lines[1]).toContain('"index":0,"turn":2,"status":"done"');
    lines[1] = 'this is not json';
    writeFileSync(join(root, RECORDS), lines.join('\n'));
    const before = readFileSync(join(root, RECORDS), 'utf8');
    const log = readFileSync(join(root, 'agents/coder_01/logs/activity.jsonl'), 'utf8');

    const run = lemming(root, ['run', '--turns', '1', '--plain']);
    expect(run.status).toBe(4);
    expect(run.stderr).toContain(`${RECORDS} line 2: is not a record of an intervention carried out`);
    expect(run.stderr).toContain('line 3 after it is one');
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.stdout).not.toContain('intervention: coder_01 is topped up');
    expect(readFileSync(join(root, RECORDS), 'utf8')).toBe(before);
    expect(readFileSync(join(root, 'agents/coder_01/logs/activity.jsonl'), 'utf8')).toBe(log);
  });

  test('a last line cut short by a crash is cut before the next record: the send is not made twice and every line is whole', () => {
    const root = org();
    const text = readFileSync(join(root, RECORDS), 'utf8');
    // The send's done line cut half-way: it was started, so it is finished again, its message found already sent.
    writeFileSync(join(root, RECORDS), text.slice(0, text.length - 40));
    const run = lemming(root, ['run', '--turns', '1', '--plain']);
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(join(root, 'agents/human/outbox')).filter((name) => name.endsWith('-manager.md'))).toHaveLength(2);
    const after = records(root).filter((line) => line !== '');
    for (const line of after) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(after.filter((line) => line.includes('"index":1,') && line.includes('"status":"done"'))).toHaveLength(1);
  });
});
