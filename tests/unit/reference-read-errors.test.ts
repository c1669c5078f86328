import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readReference } from '../../src/calibrate/reference-file.js';
import { tempDir } from '../helpers/temp-org.js';

/** A reference that cannot be read says why: missing is not the same as a folder in its place. */
test('a reference, or its answers, that is missing or a folder is named for what it is', () => {
  const folder = tempDir();
  expect(() => readReference(join(folder, 'none.yaml'))).toThrow(/none\.yaml: there is no such file; a reference is YAML like/);
  mkdirSync(join(folder, 'ref.yaml'));
  expect(() => readReference(join(folder, 'ref.yaml'))).toThrow(/ref\.yaml: is a folder, not a file; a reference is YAML like/);
  writeFileSync(join(folder, 'good.yaml'), 'name: r\nanswers: answers\nquestions:\n  - { id: q, text: Q?, options: [a, b] }\n');
  mkdirSync(join(folder, 'answers'));
  expect(() => readReference(join(folder, 'good.yaml'))).toThrow(/good\.yaml: answers: .*answers: is a folder, not a file; give the CSV of real answers/);
});
