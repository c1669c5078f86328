import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * Every variant of an experiment runs with the same seeds, but a variant may bring its own
 * `variability` (how much the offline model's repeats differ), its own `judge:` and checks added to
 * the experiment's. A variant measured so is compared with the baseline on another measure: a pass
 * rate over two checks against one, a score on another rubric, runs varied otherwise. Before, the
 * report said nothing of it: its settings table listed the org's engine settings alone, and the
 * comparison read as the variant's change. Now each of these is a row of the settings its figures
 * depend on, per variant where they differ, and "What the figures cannot support" names each variant
 * measured otherwise than the baseline and how. A variant that changes one word of a resume (a null
 * edit) is measured as the baseline is, and named nowhere.
 */

const STUDY = `name: study
turns: 8
repeats: 2
seed: 7
variability: 0.5
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
checks:
  - name: answered
    run: test -s "$SHARED/answer.md"
variants:
  - name: baseline
  - name: same
    resumes:
      janitor: { title: Caretaker }
  - name: other
    variability: 0
    checks:
      - name: always
        run: "true"
`;

test('a variant measured otherwise than the baseline (its variability, its checks) is said; one measured alike is not', { timeout: 300_000 }, async () => {
  const root = defaultOrg();
  writeFileSync(join(root, 'study.yaml'), STUDY);
  const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml'), '--plain']);
  expect(result.status, result.stderr).toBe(0);
  const markdown = readFileSync(join(root, 'experiments/study/report.md'), 'utf8');
  expect(markdown).toContain('| variability | baseline, same | 0.5 | no | study.yaml |');
  expect(markdown).toContain('| variability | other | 0 | yes | study.yaml |');
  expect(markdown).toContain('| checks | baseline, same | answered: test -s "$SHARED/answer.md" | no | study.yaml |');
  expect(markdown).toContain('| checks | other | answered: test -s "$SHARED/answer.md"; always: true | no | study.yaml |');
  const cannot = markdown.slice(markdown.indexOf('What the figures cannot support:'));
  expect(cannot).toContain('- `other` is measured otherwise than the baseline `baseline` (variability, checks): its differences from it are partly the measure\'s, not only its change\'s.');
  expect(cannot).not.toContain('`same`');
  const report = JSON.parse(readFileSync(join(root, 'experiments/study/report.json'), 'utf8')) as { provenance: { caveats: string[] } };
  expect(report.provenance.caveats.filter((caveat) => caveat.includes('measured otherwise'))).toHaveLength(1);
});
