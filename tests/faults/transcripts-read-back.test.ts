import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
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
