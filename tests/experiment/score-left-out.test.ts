import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { RELEASE_NOTES_TASK } from '../helpers/release-notes-study.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * A score made of the numbers checks print has none for a run whose checks printed none: a check that
 * fails before it prints (no answer to count the words of). Such a run is left out of the score's mean,
 * interval and test, so a variant that fails more often is scored on its successes alone. The report
 * said "the mean of the checks' printed scores" and nothing of who was left out, while the turns to
 * an answer said it of theirs. Here seed 5 of the offline model at variability 0.8 leaves the person
 * without an answer: its run passes nothing and has no score; the score's n is 2 of 3 runs, and the
 * report says why.
 */

const STUDY = `name: scored
turns: 12
repeats: 3
seed: 3
variability: 0.8
${RELEASE_NOTES_TASK}checks:
  - name: answered
    run: test -s "$SHARED/answer.md" && wc -w < "$SHARED/answer.md"
variants:
  - name: baseline
`;

describe("a score from the checks' printed numbers", () => {
  test('says that a run whose checks printed none is left out of it', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'scored.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'scored.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    const markdown = readFileSync(join(root, 'experiments/scored/report.md'), 'utf8');

    expect(markdown).toMatch(/^\| baseline-r3 \| 5 \| answered failed \(exit 1\) \| – \| – \|$/m);
    expect(markdown).toMatch(/^\| score \| baseline \| 2 \| /m);
    expect(markdown).toMatch(/^\| pass rate \| baseline \| 3 \| /m);
    expect(markdown).toContain(
      "- **score**: the judge's score, else the mean of the numbers the checks printed last; a run with neither (its checks failed before printing one, or its judge gave no score) is left out, so its n counts the runs scored, not the runs.",
    );
  });
});
