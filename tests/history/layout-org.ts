import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { walkRecordedFiles } from '../../src/history/recorded-files.js';
import { orgPath, partOf, partsFolder, storedParts, storedPath } from '../../src/history/stored-path.js';
import { workspaceLimitsOf } from '../../src/org/workspace-limits.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { scratchDir } from '../faults/scratch.js';
import { gitOnHistory } from './history-org.js';

/** What the tests of the history's layouts (stored-path.ts) share: a run, the org's recorded files, an entry's stored paths. */

/** `lemming run --keep-going` for `turns` turns (with `env`), which says nothing and succeeds. */
export async function runQuietly(root: string, turns: number, env: Record<string, string> = {}): Promise<void> {
  const result = await lemmingAsync(root, ['run', '--keep-going', '--turns', String(turns)], env);
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

/** Whether a path an entry holds is where the history keeps it now: storedPath's, or a part in partsFolder's (a record's own file, a piece moved from it). */
export function keptAsNow(path: string): boolean {
  const part = partOf(path);
  return part ? part.folder === partsFolder(orgPath(path)) : path === storedPath(orgPath(path));
}

/** Whether each file of the org the stored paths hold is held once: whole, or as parts (storedParts), never both. */
export function eachHeldOnce(stored: readonly string[]): boolean {
  return [...storedParts(stored).values()].every((parts) => parts.length === 1 || parts.every((part) => partOf(part.stored) !== undefined));
}

/** The org's last entry holds each of its files once, where storedPath puts it (or as parts in partsFolder's), and nothing else: its stored paths. */
export function expectHeldOnce(root: string): string[] {
  const stored = storedIn(root, 'main');
  expect(eachHeldOnce(stored)).toBe(true);
  expect(stored.filter((path) => !keptAsNow(path))).toEqual([]);
  expect(new Set(stored.map(orgPath))).toEqual(new Set(recordedFiles(root).keys()));
  return stored;
}

/**
 * The entries after `before`: the first removed `moved` (carried over), and no later one moved anything but the records of
 * org/state and a record's own file kept whole before (made parts by the next entry that changes it: stored-path.ts).
 */
export function expectMovedOnce(root: string, before: string, moved: string): void {
  const entries = gitOnHistory(root, ['rev-list', '--reverse', `${before}..main`]).trim().split('\n');
  expect(entries.length).toBeGreaterThanOrEqual(2);
  const removed = (commit: string): string[] =>
    gitOnHistory(root, ['diff-tree', '-r', '--no-commit-id', '--name-status', '--no-renames', commit]).trim().split('\n').filter((row) => row.startsWith('D\t')).map((row) => row.slice(2));
  expect(removed(entries[0] as string)).toContain(moved);
  for (const commit of entries.slice(1)) expect(removed(commit).filter((path) => !path.startsWith('org/state/') && !/(^|\/)(ledger|taken|activity)\.jsonl$/.test(path)), commit).toEqual([]);
}

/** A fork of `root` at `turn`, made without a word, in a fresh folder: where it is and its recorded files. */
export function forkedAt(root: string, turn: number): { fork: string; files: Map<string, string> } {
  const fork = join(scratchDir('lemming-layout-fork-'), `fork-${turn}`);
  const forked = lemming(fork, ['fork', '--from', root, '--at', String(turn)]);
  expect(forked.stderr).toBe('');
  expect(forked.status).toBe(0);
  return { fork, files: recordedFiles(fork) };
}
