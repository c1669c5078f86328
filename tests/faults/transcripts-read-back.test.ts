import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';
import { lemmingWithin } from '../helpers/lemming-within.js';

/**
 * A meeting's transcript (`org/meetings/<name>/<turn>.md`) is written by lemming and read back by
 * `lemming analyze`, which counts each speech as an edge. Something else in its place is said,
 * naming the file: before, a named pipe kept `analyze` waiting for good (SIGTERM not heeded), and a
 * link was read wherever it led.
 */

const ranOrg = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Please plan the release and write a summary file']);
  step(root, ['run', '--until', '2']);
});

const TRANSCRIPT = 'org/meetings/standup/000001.md';

/** The ran org with `plant` put at the transcript's place. */
function planted(plant: (path: string) => void): string {
  const root = ranOrg();
  mkdirSync(join(root, 'org/meetings/standup'), { recursive: true });
  plant(join(root, TRANSCRIPT));
  return root;
}

describe('a meeting transcript that is not lemming’s file stops analyze, naming it', () => {
  test.each<[string, (path: string) => void, string]>([
    ['a named pipe', (path: string) => expect(spawnSync('mkfifo', [path]).status).toBe(0), 'is not a regular file'],
    ['a link out of the org', (path: string) => symlinkSync('/etc/passwd', path), 'is a symbolic link'],
    ['a folder', (path: string) => mkdirSync(path), 'is a folder'],
    ['a file of 64 GiB', (path: string) => {
      writeFileSync(path, '');
      truncateSync(path, 64 * 1024 ** 3);
    }, 'is 68719476736 bytes, more than'],
  ])('%s', (_kind, plant, said) => {
    const root = planted(plant);
    const analyze = lemmingWithin(root, ['analyze']);
    expect(analyze.status, analyze.output).toBe(1);
    expect(analyze.output).toContain(`${TRANSCRIPT} ${said}`);
    expect(analyze.output).toContain('meeting');
    expect(analyze.output).not.toMatch(/unexpected error|\n\s+at /);
    rmSync(join(root, TRANSCRIPT), { recursive: true });
    const again = lemmingWithin(root, ['analyze']);
    expect(again.status, again.output).toBe(0);
  });
});

describe('a speech in a transcript by no attendee present is heard by no one', () => {
  test('speeches a hand edit added (an agent not at the meeting, the human, __proto__) add no meeting delivery and no edge', () => {
    // Before, each added speech counted as heard by every attendee: 3 attendees' 3 speeches made 6
    // deliveries, and 5 speeches more made 21, with edges from ghost, human and __proto__.
    const root = ranOrg();
    mkdirSync(join(root, 'org/meetings/standup'), { recursive: true });
    const said = (agent: string): string => `\n### ${agent}\n\n> I will take my part.\n`;
    const honest = ['# Meeting standup, turn 1', '', '- Agenda: Agree who takes what', '- Attendees: manager (chair), planner, hr', '- Rounds: 1', '- File: org/meetings/standup.yaml', '', '## Round 1', said('manager'), said('planner'), said('hr')].join('\n');
    const counted = (): { meeting: number; speakers: string[] } => {
      const analyze = lemming(root, ['analyze', '--json']);
      expect(analyze.status, analyze.stderr).toBe(0);
      const report = JSON.parse(analyze.stdout) as { deliveries: { meeting: number }; edges: { used: Array<{ from: string; forms: { meeting: number } }> } };
      const speakers = [...new Set(report.edges.used.filter((edge) => edge.forms.meeting > 0).map((edge) => edge.from))].sort();
      return { meeting: report.deliveries.meeting, speakers };
    };
    writeFileSync(join(root, TRANSCRIPT), honest);
    expect(counted()).toEqual({ meeting: 6, speakers: ['hr', 'manager', 'planner'] });
    writeFileSync(join(root, TRANSCRIPT), `${honest}${said('ghost')}${said('janitor')}${said('human')}${said('__proto__')}${said('coder_01')}`);
    expect(counted()).toEqual({ meeting: 6, speakers: ['hr', 'manager', 'planner'] });
  });
});
