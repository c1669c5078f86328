import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readExperiment } from '../../src/experiment/experiment-file.js';
import { lemming } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * An experiment file's numbers out of range (the settings a study's statistics rest on: its repeats,
 * seed and variability) are refused before anything runs, each with the file, the line, the field and a
 * value valid in its place, as every org file's are; zod's "Too big: expected number to be <=1" alone
 * names the bound but no value to write.
 */
test('each out-of-range setting of an experiment file, at the top and in a variant, is refused with a valid value', () => {
  // Each wrong number on its own line (2 to 6, 10 and 11), where its problem must point.
  const written = 'name: study\nturns: 0\nparallel: 0\nrepeats: 0\nseed: -3\nvariability: 2\nmessages: [{ to: manager, body: hi }]\nvariants:\n  - name: a\n    repeats: 101\n    variability: -1\n';
  const { file } = mendWithOffered(written, [
    [2, 'turns', 'turns: '],
    [3, 'parallel', 'parallel: '],
    [4, 'repeats', 'repeats: '],
    [5, 'seed', 'seed: '],
    [6, 'variability', 'variability: '],
    [10, 'variants.0.repeats', 'repeats: '],
    [11, 'variants.0.variability', 'variability: '],
  ]);
  expect(readExperiment(file, (base) => base).variants[0]).toMatchObject({ name: 'a', repeats: 5 });
});

/**
 * The names of an experiment file (the experiment's, a variant's, a check's, at the top and in a variant) are
 * refused, wrong or missing, with an example that fits their place: org.yaml's `name: my-org` was offered for each.
 */
test("each name of an experiment file, wrong or missing, is refused with an example of that name, valid in its place", () => {
  // Each wrong name on its own line (1, 4, 6 and 9), where its problem must point.
  const { root, file } = mendWithOffered('name: Study One\nmessages: [{ to: manager, body: hi }]\nchecks:\n  - { name: Has Answer, run: "true" }\nvariants:\n  - name: No Planner\n    checks:\n      - run: "true"\n        name: Bad.Check\n', [
    [1, 'name', 'name: tight-budget'],
    [4, 'checks.0.name', 'name: has-answer'],
    [6, 'variants.0.name', 'name: no-planner'],
    [9, 'variants.0.checks.0.name', 'name: has-answer'],
  ]);
  const read = readExperiment(file, (base) => base);
  expect(read.name).toBe('tight-budget');
  expect(read.variants[0]?.name).toBe('no-planner');

  // Missing, the experiment's and a variant's name say the same example.
  writeFileSync(file, 'messages: [{ to: manager, body: hi }]\nvariants:\n  - repeats: 2\n');
  const missing = lemming(root, ['experiment', file]).stderr;
  expect(missing).toContain(`${file}:1: name: is required but missing; a valid value looks like \`name: tight-budget`);
  expect(missing).toContain(`${file}:3: variants.0.name: is required but missing; a valid value looks like \`name: no-planner`);
  expect(missing).not.toContain('my-org');
});

/**
 * Write `text` as an experiment file of a fresh org and refuse it with `lemming experiment`; each expected problem (its line, its field and the start of
 * the example it offers, never org.yaml's `name: my-org`) is said, and the value offered is put where its
 * mistake was (the field's value on that line), so the file read afterwards shows each is valid in its place.
 */
function mendWithOffered(text: string, expected: Array<[number, string, string]>): { root: string; file: string } {
  const root = defaultOrg();
  const file = join(root, 'study.yaml');
  writeFileSync(file, text);
  const result = lemming(root, ['experiment', file]);
  expect(result.status).toBe(1);
  const lines = result.stderr.trim().split('\n').map((line) => line.replace(/^lemming: /, ''));
  const mended = readFileSync(file, 'utf8').split('\n');
  for (const [line, field, example] of expected) {
    const said = lines.find((each) => each.startsWith(`${file}:${line}: ${field}: `));
    expect(said, `${field} in:\n${result.stderr}`).toBeDefined();
    expect(said, field).toContain(`a valid value looks like \`${example}`);
    expect(said, field).not.toContain('my-org');
    const offered = /a valid value looks like `([^`]*?)(?:\s+#[^`]*)?`/.exec(said ?? '')?.[1] ?? '';
    const key = offered.slice(0, offered.indexOf(':') + 1);
    mended[line - 1] = (mended[line - 1] ?? '').replace(new RegExp(`${key} [^,}]*`), offered);
  }
  writeFileSync(file, mended.join('\n'));
  return { root, file };
}
