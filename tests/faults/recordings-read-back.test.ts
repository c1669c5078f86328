import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemmingWithin } from '../helpers/lemming-within.js';

/**
 * What `lemming run --record` keeps (the cassette and the tools tape beside it) is read back by
 * `--replay`. Something else in a file's place is said, naming the file (the cassette's as the replay
 * starts, exit 2; the tape's as the agent's error when a tool it answers is called): before, a named
 * pipe kept the replay waiting for good (SIGTERM not heeded), and a link was read wherever it led.
 */

/** `recorded/`: a run recorded into `run.jsonl`; `fresh/`: the same org before its run, to replay into. */
const folders = builtOrg((root) => {
  for (const name of ['recorded', 'fresh']) {
    mkdirSync(join(root, name));
    step(join(root, name), ['bootstrap']);
    step(join(root, name), ['send', 'manager', 'Please plan the release and write a summary file']);
  }
  step(join(root, 'recorded'), ['run', '--until', '3', '--record', join(root, 'run.jsonl')]);
});

const kinds: Array<[string, (path: string) => void, string]> = [
  ['a named pipe', (path) => expect(spawnSync('mkfifo', [path]).status).toBe(0), 'is not a regular file'],
  ['a link out of the org', (path) => symlinkSync('/etc/passwd', path), 'is a symbolic link'],
  ['a folder', (path) => mkdirSync(path), 'is a folder'],
];

describe.each(['run.jsonl', 'run.jsonl.tools.jsonl'])('%s replaced', (file) => {
  test.each(kinds)('by %s: the replay says so, naming it', (_kind, plant, said) => {
    const root = folders();
    const cassette = join(root, 'run.jsonl');
    const path = join(root, file);
    rmSync(path, { force: true });
    plant(path);
    const replay = lemmingWithin(join(root, 'fresh'), ['run', '--until', '3', '--replay', cassette]);
    expect(replay.output).not.toMatch(/unexpected error|\n\s+at /);
    if (file === 'run.jsonl') {
      // Read as the replay starts: nothing runs.
      expect(replay.status, replay.output).toBe(2);
      expect(replay.output).toContain(`${path} ${said}`);
    } else {
      // Read when a tool it answers is first called: an error of that agent's turn, as a tool never fails a run.
      expect(replay.status, replay.output).toBe(0);
      expect(replay.output).toContain(`coder_01 error: ${path} ${said}`);
    }
  });
});
