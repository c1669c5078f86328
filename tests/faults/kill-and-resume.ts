import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { lemming, lemmingAsync, type CliResult } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles, workspaceFiles } from '../helpers/org-snapshot.js';
import { scratchDir } from './scratch.js';

/**
 * Points inside a turn (crash-points.ts), each at a first and a later time it is
 * reached: before a call, after a call before any write, between two message
 * writes, after the writes before the journal, after the journal, part-way
 * through the ledger's batch, after the ledger, before and after the commit.
 */
export const POINTS = [
  'before-call:1',
  'before-call:4',
  // After an answer came back, before it is journaled: the next run asks the same question again.
  'after-answer:1',
  'after-answer:3',
  'after-response:1',
  'after-response:3',
  'mid-write:1',
  'mid-write:4',
  'after-write:1',
  'after-write:3',
  'after-apply:2',
  'mid-ledger:1',
  'mid-ledger:3',
  'after-ledger:1',
  'after-ledger:5',
  'before-commit:2',
  'after-taken:2',
  // The state's parts written, engine.json (which commits them) not yet.
  'mid-state:1',
  'mid-state:3',
  'after-commit:1',
  'after-commit:4',
  // Inside an agent's multi-step turn (the planner and the coder write files before they report):
  // after a step's answer is journaled, and after a tool's result is.
  'after-step:1',
  'after-step:2',
  'after-tool:1',
  'after-tool:3',
  'before-call:2',
];

/** A copy of `seed` run to idle, the run every killed one is held against. */
export function referenceOf(seed: string, env: Record<string, string> = {}): { root: string; run: CliResult } {
  const root = mkdtempSync(join(tmpdir(), 'lemming-reference-'));
  cpSync(seed, root, { recursive: true });
  return { root, run: lemming(root, ['run'], env) };
}

/** The same messages, charges, logs and workspace files as the reference run's. */
export function expectSameAs(root: string, reference: string): void {
  expect(messageFiles(root)).toEqual(messageFiles(reference));
  expect(charges(root)).toEqual(charges(reference));
  expect(activityLogs(root)).toEqual(activityLogs(reference));
  expect(workspaceFiles(root)).toEqual(workspaceFiles(reference));
}

/** Kill a run of a copy of `seed` at `point`, run it again to idle (both with `env`), and return the copy. */
export async function killAndResume(seed: string, point: string, env: Record<string, string> = {}): Promise<string> {
  const root = scratchDir();
  cpSync(seed, root, { recursive: true });
  const killed = await lemmingAsync(root, ['run'], { ...env, LEMMING_CRASH_AT: point });
  expect(killed.signal).toBe('SIGKILL');
  const resumed = await lemmingAsync(root, ['run'], env);
  expect(resumed.stderr).toBe('');
  expect(resumed.status).toBe(0);
  expect(resumed.stdout).toContain('the org is idle');
  return root;
}
