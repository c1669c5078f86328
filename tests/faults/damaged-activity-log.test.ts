import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';

/**
 * An agent's activity log (`agents/<name>/logs/activity.jsonl`) is appended to a whole line at a
 * time, so a crash can only cut its last line short. A line in the middle that is no entry (an edit,
 * a disk) was skipped unsaid by every reader of the whole log: `logs` showed one entry fewer and
 * `analyze` read the log without it. Now they stop on it, naming the file and the line;
 * a last line cut short is still passed over.
 */

const org = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Plan the release']);
  step(root, ['run', '--turns', '3']);
});

const LOG = 'agents/manager/logs/activity.jsonl';

function logLines(root: string): string[] {
  return readFileSync(join(root, LOG), 'utf8').split('\n');
}

/** The manager's row of the analysis's load table: its turns active is the fifth figure. */
function managerLoad(stdout: string): string | undefined {
  return stdout.split('\n').find((line) => line.startsWith('| manager |'));
}

describe('a damaged line in an activity log', () => {
  test('as the run left it, logs shows the call and analyze counts the manager active in one turn', () => {
    const root = org();
    const logs = lemming(root, ['logs', 'manager', '--lines', '100']);
    expect(logs.status, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/\[turn 1\] \S+ called /);
    const analyze = lemming(root, ['analyze']);
    expect(analyze.status, analyze.stderr).toBe(0);
    expect(managerLoad(analyze.stdout)).toMatch(/^\| manager \| 3 \| 1 \| 1 \| 1 \|/);
  });

  test('its call line replaced by garbage stops logs and analyze naming the file and line; the log is left as it was', () => {
    const root = org();
    const lines = logLines(root);
    expect(lines[0]).toContain('"event":"called"');
    lines[0] = 'this is not json';
    writeFileSync(join(root, LOG), lines.join('\n'));
    const log = readFileSync(join(root, LOG), 'utf8');

    for (const args of [['logs', 'manager', '--lines', '100'], ['analyze']]) {
      const read = lemming(root, args);
      expect(read.status, `${args.join(' ')}: ${read.stdout}`).toBe(4);
      expect(read.stderr).toContain(`${LOG} line 1: is not an entry of the activity log`);
      expect(read.stderr).toContain('line 2 after it is one');
      expect(read.stderr).not.toMatch(/unexpected error|at .*\.js:\d+/);
      // Nothing is shown as if the line were not there: no entries, no analysis.
      expect(read.stdout).not.toContain('[turn 1]');
      expect(managerLoad(read.stdout)).toBeUndefined();
    }
    expect(readFileSync(join(root, LOG), 'utf8')).toBe(log);
  });

  test('a line whose turn is no whole number of 0 or more stops logs and trace naming the file and line', () => {
    // Before: read as an entry; `logs` showed "[turn 1e+308]" and `trace --otlp` sent "turns 1 to 1e+308".
    for (const turn of ['-4', '1e308', '1.5']) {
      const root = org();
      const lines = logLines(root);
      lines[0] = (lines[0] as string).replace('"turn":1,', `"turn":${turn},`);
      expect(lines[0]).toContain(`"turn":${turn},`);
      writeFileSync(join(root, LOG), lines.join('\n'));
      for (const args of [['logs', 'manager', '--lines', '100'], ['trace', '--otlp', 'http://127.0.0.1:9/']]) {
        const read = lemming(root, args);
        expect(read.status, `${args.join(' ')}: ${read.stdout}`).toBe(4);
        expect(read.stderr).toContain(`${LOG} line 1: is not an entry of the activity log (a JSON object on one line with its turn, a whole number,`);
        expect(read.stdout).not.toContain('1e+308');
      }
    }
  });

  test('a last line cut short by a crash is passed over: logs shows the entries before it', () => {
    const root = org();
    const lines = logLines(root);
    writeFileSync(join(root, LOG), `${lines.join('\n')}{"turn":3,"at":"2026-`);
    const logs = lemming(root, ['logs', 'manager', '--lines', '100']);
    expect(logs.status, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/\[turn 1\] \S+ called /);
    expect(logs.stderr).toBe('');
  });
});
