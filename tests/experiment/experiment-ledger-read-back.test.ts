import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingWithin } from '../helpers/lemming-within.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * An experiment's own ledger (`experiments/<name>/ledger.jsonl`, what scoring its runs cost) is
 * written by lemming and read back for the report's provenance. Something else in its place is
 * said, naming the file: before, a named pipe kept `lemming experiment` waiting for good once its
 * runs were done, and a link was read wherever it led.
 */

const STUDY = `name: tiny
turns: 3
repeats: 1
messages:
  - to: manager
    subject: Notes
    body: Please write notes.
variants:
  - name: baseline
`;

describe('an experiment ledger that is not lemming’s file stops the experiment, naming it', () => {
  test.each<[string, (path: string) => void, string]>([
    ['a named pipe', (path) => expect(spawnSync('mkfifo', [path]).status).toBe(0), 'is not a regular file'],
    ['a link out of the org', (path) => symlinkSync('/etc/passwd', path), 'is a symbolic link'],
  ])('%s', (_kind, plant, said) => {
    const root = defaultOrg();
    writeFileSync(join(root, 'tiny.yaml'), STUDY);
    mkdirSync(join(root, 'experiments/tiny'), { recursive: true });
    plant(join(root, 'experiments/tiny/ledger.jsonl'));
    const experiment = lemmingWithin(root, ['experiment', join(root, 'tiny.yaml')]);
    expect(experiment.status, experiment.output).toBe(1);
    expect(experiment.output).toContain(`${join(root, 'experiments/tiny/ledger.jsonl')} ${said}`);
    expect(experiment.output).not.toMatch(/unexpected error|\n\s+at /);
  });
});
