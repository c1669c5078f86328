import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { lemmingAsync } from './cli.js';
import { RELEASE_NOTES_TASK } from './release-notes-study.js';
import { defaultOrg } from './temp-org.js';

/** A study of the default org with one variant, `baseline` (one run, named so): the human asks the manager for release notes; `turns` at most. */
export function shortStudy(name: string, turns: number): string {
  return `name: ${name}
turns: ${turns}
${RELEASE_NOTES_TASK}variants:
  - name: baseline
`;
}

/** A default org with the study written to `<name>.yaml` at its root: the org and the file. */
export function orgWithStudy(name: string, turns: number): { root: string; file: string } {
  const root = defaultOrg();
  const file = join(root, `${name}.yaml`);
  writeFileSync(file, shortStudy(name, turns));
  return { root, file };
}

/** `lemming experiment FILE` on the org, which must succeed; the folder of its one run. */
export async function runStudy(root: string, file: string, name: string): Promise<string> {
  const result = await lemmingAsync(root, ['experiment', file]);
  expect(result.status, result.stderr).toBe(0);
  return join(root, 'experiments', name, 'baseline');
}
