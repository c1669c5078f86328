import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { walkRecordedFiles } from '../../src/history/recorded-files.js';
import { workspaceLimitsOf } from '../../src/org/workspace-limits.js';
import { lemmingAsync } from '../helpers/cli.js';
import { gitOnHistory } from './history-org.js';

/** What the tests of the history's layouts (stored-path.ts) share: a run, the org's recorded files, an entry's stored paths. */

/** `lemming run --keep-going` for `turns` turns, which says nothing and succeeds. */
export async function runQuietly(root: string, turns: number): Promise<void> {
  const result = await lemmingAsync(root, ['run', '--keep-going', '--turns', String(turns)]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

/** The org's recorded files and their bytes. */
export function recordedFiles(root: string): Map<string, string> {
  return new Map([...walkRecordedFiles(root, workspaceLimitsOf(undefined), 0).files.keys()].map((path) => [path, readFileSync(join(root, path), 'latin1')]));
}

/** The paths an entry holds, as git names them. */
export function storedIn(root: string, commit: string): string[] {
  return gitOnHistory(root, ['ls-tree', '-r', '-z', '--name-only', commit]).split('\0').filter((path) => path !== '');
}
