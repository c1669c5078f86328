import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { defaultFaultOrg, humanSends } from './fault-org.js';

/** Edits a person makes between two turns: a dearer model, an edge gone from the chart, a planner with no budget. */
function editOrg(root: string): void {
  const orgFile = join(root, 'org/org.yaml');
  writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace('input_price: 2.5', 'input_price: 250').replace('output_price: 10', 'output_price: 1000'));
  const chartFile = join(root, 'org/chart.yaml');
  writeFileSync(chartFile, readFileSync(chartFile, 'utf8').replace('send_to: [human, planner, hr, janitor]', 'send_to: [human, hr, janitor]'));
  const resumeFile = join(root, 'agents/planner/resume.md');
  writeFileSync(resumeFile, readFileSync(resumeFile, 'utf8').replace(/^credits: .*$/m, 'credits: 0'));
}

describe('a turn finished after a crash is the turn that was planned', () => {
  test.concurrent.each(['after-response:1', 'after-write:1', 'before-commit:1'])(
    'killed at %s, edited while down: the same files and charges as edits made after that turn in a run never killed',
    async (point) => {
      const crashed = defaultFaultOrg();
      const reference = defaultFaultOrg();
      for (const root of [crashed, reference]) humanSends(root, 'manager', 'Please plan the release of version 2.');

      const killed = lemming(crashed, ['run', '--plain'], { LEMMING_CRASH_AT: point });
      expect(killed.signal).toBe('SIGKILL');
      editOrg(crashed);
      const resumed = lemming(crashed, ['run', '--plain']);
      expect(resumed.stderr).toBe('');
      expect(resumed.status).toBe(0);

      expect(lemming(reference, ['run', '--plain', '--turns', '1']).status).toBe(0);
      editOrg(reference);
      expect(lemming(reference, ['run', '--plain']).status).toBe(0);

      expect(messageFiles(crashed)).toEqual(messageFiles(reference));
      expect(charges(crashed)).toEqual(charges(reference));
      // The manager's turn-1 message to the planner went out under the chart it was planned with.
      expect(Object.keys(messageFiles(crashed))).toContain('agents/manager/outbox/000001-001-planner.md');
    },
  );
});

function sha256Of(path: string, bytes: number): string {
  const hash = createHash('sha256');
  const descriptor = openSync(path, 'r');
  const buffer = Buffer.alloc(1024 * 1024);
  let done = 0;
  while (done < bytes) {
    const count = readSync(descriptor, buffer, 0, Math.min(buffer.length, bytes - done), done);
    hash.update(buffer.subarray(0, count));
    done += count;
  }
  closeSync(descriptor);
  return hash.digest('hex');
}

describe('recovery never rewrites a log', () => {
  test('a 96 MB log is cut back in a process with a 48 MB heap, and a kill during recovery loses none of its earlier lines', () => {
    const root = defaultFaultOrg();
    const reference = defaultFaultOrg();
    const log = join(root, 'agents/manager/logs/activity.jsonl');
    const line = `${JSON.stringify({ turn: 0, at: '2026-01-01T00:00:00.000Z', event: 'note', message: 'x'.repeat(960) })}\n`;
    writeFileSync(log, line.repeat(Math.ceil((96 * 1024 * 1024) / line.length)));
    const earlier = statSync(log).size;
    const earlierHash = sha256Of(log, earlier);
    for (const org of [root, reference]) humanSends(org, 'manager', 'Please plan the release of version 2.');
    const small = { NODE_OPTIONS: '--max-old-space-size=48' };

    expect(lemming(root, ['run', '--plain'], { ...small, LEMMING_CRASH_AT: 'after-write:1' }).signal).toBe('SIGKILL');
    // The second run cuts the crashed attempt's lines, writes them again, and is killed at the same point.
    expect(lemming(root, ['run', '--plain'], { ...small, LEMMING_CRASH_AT: 'after-write:1' }).signal).toBe('SIGKILL');
    expect(statSync(log).size).toBeGreaterThan(0);
    const finished = lemming(root, ['run', '--plain'], small);
    expect(finished.stderr).toBe('');
    expect(finished.status).toBe(0);
    expect(lemming(reference, ['run', '--plain']).status).toBe(0);

    // The earlier lines went whole to the log's first piece at the turn's first line (log-segments.ts); the log holds the turn's.
    const piece = join(root, 'agents/manager/logs/activity/000001.jsonl');
    expect(statSync(piece).size).toBe(earlier);
    expect(sha256Of(piece, earlier)).toBe(earlierHash);
    const withoutTimes = (text: string) => text.replace(/"at":"[^"]*",/g, '');
    expect(withoutTimes(readFileSync(log, 'utf8'))).toBe(withoutTimes(readFileSync(join(reference, 'agents/manager/logs/activity.jsonl'), 'utf8')));
    expect(messageFiles(root)).toEqual(messageFiles(reference));
  });
});

describe('run --until N: the turn to reach, whatever a kill left unfinished', () => {
  test('killed in turn 3, `run --until 4` finishes turn 3, runs turn 4 and stops there; `--turns 2` would have gone to turn 5', () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Please plan the release of version 2.');
    expect(lemming(root, ['run', '--plain', '--turns', '2']).status).toBe(0);
    const killed = lemming(root, ['run', '--plain'], { LEMMING_CRASH_AT: 'after-response:1' });
    expect(killed.signal).toBe('SIGKILL');
    const resumed = lemming(root, ['run', '--plain', '--until', '4']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain('2 turn(s) run, now at turn 4; reached turn 4 (--until 4)');
    expect(lemming(root, ['status']).stdout).toMatch(/at turn 4\n/);
  });

  test('--until a turn the org has passed runs nothing and says so; with --turns it is refused', () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Please plan the release of version 2.');
    expect(lemming(root, ['run', '--plain', '--turns', '2']).status).toBe(0);
    const passed = lemming(root, ['run', '--plain', '--until', '1']);
    expect(passed.status).toBe(0);
    expect(passed.stdout).toContain('0 turn(s) run, now at turn 2; turn 1 was reached already (--until 1)');
    const both = lemming(root, ['run', '--turns', '2', '--until', '4']);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--until.*cannot be used with.*--turns|--turns.*cannot be used with.*--until/);
  });
});
