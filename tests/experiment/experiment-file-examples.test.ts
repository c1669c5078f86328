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
  const root = defaultOrg();
  const file = join(root, 'study.yaml');
  // Each wrong number on its own line (2 to 6, 10 and 11), where its problem must point.
  writeFileSync(file, 'name: study\nturns: 0\nparallel: 0\nrepeats: 0\nseed: -3\nvariability: 2\nmessages: [{ to: manager, body: hi }]\nvariants:\n  - name: a\n    repeats: 101\n    variability: -1\n');
  const result = lemming(root, ['experiment', file]);
  expect(result.status).toBe(1);
  const lines = result.stderr.trim().split('\n').map((line) => line.replace(/^lemming: /, ''));
  const expected: Array<[number, string, string]> = [
    [2, 'turns', 'turns: '],
    [3, 'parallel', 'parallel: '],
    [4, 'repeats', 'repeats: '],
    [5, 'seed', 'seed: '],
    [6, 'variability', 'variability: '],
    [10, 'variants.0.repeats', 'repeats: '],
    [11, 'variants.0.variability', 'variability: '],
  ];
  const mended = readFileSync(file, 'utf8').split('\n');
  for (const [line, field, example] of expected) {
    const said = lines.find((each) => each.startsWith(`${file}:${line}: ${field}: `));
    expect(said, `${field} in:\n${result.stderr}`).toBeDefined();
    expect(said, field).toContain(`a valid value looks like \`${example}`);
    // The value offered is valid in its place: each put where its mistake was, the file is read.
    const offered = /a valid value looks like `([^`]*?)(?:\s+#[^`]*)?`/.exec(said ?? '')?.[1] ?? '';
    mended[line - 1] = (mended[line - 1] ?? '').replace(/\S.*$/, offered);
  }
  writeFileSync(file, mended.join('\n'));
  expect(readExperiment(file, (base) => base).variants[0]).toMatchObject({ name: 'a', repeats: 5 });
});
