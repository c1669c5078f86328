import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemmingWithin } from '../helpers/lemming-within.js';

/**
 * `lemming diff` reads an experiment run's result (`experiment-result.json`), which lemming wrote,
 * back from each folder. Something else in its place is said, naming the file, exit 2: before, a
 * named pipe kept `diff` waiting for good, and a link was read wherever it led.
 */

const ranOrg = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Please plan the release and write a summary file']);
  step(root, ['run', '--until', '2']);
});

describe('an experiment result that is not lemming’s file stops diff, naming it', () => {
  test.each<[string, (path: string) => void, string]>([
    ['a named pipe', (path) => expect(spawnSync('mkfifo', [path]).status).toBe(0), 'is not a regular file'],
    ['a link out of the org', (path) => symlinkSync('/etc/passwd', path), 'is a symbolic link'],
    ['a folder', (path) => mkdirSync(path), 'is a folder'],
  ])('%s', (_kind, plant, said) => {
    const root = ranOrg();
    const other = ranOrg();
    plant(join(other, 'experiment-result.json'));
    const diff = lemmingWithin(root, ['diff', root, other]);
    expect(diff.status, diff.output).toBe(2);
    expect(diff.output).toContain(`${join(other, 'experiment-result.json')} ${said}`);
    expect(diff.output).not.toMatch(/unexpected error|\n\s+at /);
  });
});
