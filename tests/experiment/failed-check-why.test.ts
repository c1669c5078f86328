import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * A check that never passes may be the work's fault or the check's: a misspelt command fails in
 * every run alike. The report said only `answered failed`, in every row, so a pass rate of 0 read as
 * the runs' doing; the run's result kept why (the exit code and the output) for a person reading the
 * report, who was never shown it. Each failed check now says its exit code and its output's last line.
 */

const STUDY = `name: misspelt
turns: 8
repeats: 2
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
checks:
  - name: answered
    run: nosuchcommand -s "$SHARED/answer.md"
  - name: told
    run: test -s "$SHARED/answer.md"
  - name: said-why
    run: "echo 'the answer | misses risks'; exit 3"
variants:
  - name: baseline
`;

describe('a failed check in the report', () => {
  test('says its exit code and the last line it printed; a passed check stays as it was', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'misspelt.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'misspelt.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    const markdown = readFileSync(join(root, 'experiments/misspelt/report.md'), 'utf8');
    expect(markdown).toMatch(/^\| baseline-r1 \| 1 \| answered failed \(exit 127: [^|]*nosuchcommand: not found\), told passed, said-why failed \(exit 3: the answer \\\| misses risks\) \| – \| – \|$/m);
  });
});
