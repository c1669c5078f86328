import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { orgStatus } from '../../src/engine/human/org-status.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { scratchDir } from '../faults/scratch.js';
import { setKeepHistory } from '../helpers/org-files.js';
import { afterEveryFile } from '../helpers/file-hooks.js';

/** Turn the org's history on, as docs/history.md says (new orgs have it on: the line `history: { keep: true }` in org/org.yaml). */
export function keepHistory(root: string): void {
  setKeepHistory(root, true);
}

let seeded: string | undefined;
// The seed is a scratch folder of the file that made it, removed when that file is done.
afterEveryFile(() => {
  seeded = undefined;
});

/**
 * The default org, keeping a history, with two tasks from the human waiting: made once for the
 * test file by the built CLI (`lemming bootstrap`, then two `lemming send`, three Node starts), and
 * copied for each caller. Until its first run the org holds no history store and names no path of
 * its own, so a copy is the org the three commands would write there.
 */
export function seededOrg(): string {
  if (seeded === undefined) {
    const root = scratchDir('lemming-history-seed-');
    expect(lemming(root, ['bootstrap']).status).toBe(0);
    keepHistory(root);
    expect(lemming(root, ['send', 'manager', 'Plan and build the first release.', '--subject', 'First release']).status).toBe(0);
    expect(lemming(root, ['send', 'manager', 'Run the onboarding for a new engineer.', '--subject', 'Onboarding']).status).toBe(0);
    seeded = root;
  }
  const copy = scratchDir('lemming-history-');
  cpSync(seeded, copy, { recursive: true });
  return copy;
}

/** A copy of an org in a new folder. */
export function copyOf(root: string): string {
  const copy = scratchDir('lemming-history-copy-');
  cpSync(root, copy, { recursive: true });
  return copy;
}

/** Run the org to idle with the built CLI; it must succeed. */
export async function runToIdle(root: string, env: Record<string, string> = {}): Promise<string> {
  const run = await lemmingAsync(root, ['run'], env);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('the org is idle');
  return run.stdout;
}

/** The seeded org run to idle with the built CLI, and the last turn it ran: the original a file's tests fork, move or prune. */
export async function originalRun(): Promise<{ root: string; last: number }> {
  const root = seededOrg();
  await runToIdle(root);
  return { root, last: (JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number }).turn };
}

/** Each agent's balance, as `lemming status` shows it. */
export function balances(root: string): Record<string, number | undefined> {
  return Object.fromEntries(orgStatus(loadOrg(root).org).agents.map((agent) => [agent.name, agent.balance]));
}

/** What two runs must share to be the same run: messages (but their `created:` time), charges, balances. */
export function runOutcome(root: string): { messages: Record<string, string>; charges: string[]; balances: Record<string, number | undefined> } {
  return { messages: messageFiles(root), charges: charges(root), balances: balances(root) };
}

/** git itself on the org's history store. */
export function gitOnHistory(root: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', join(root, 'org', 'state', 'history.git'), ...args], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } });
}

/** `lemming history --json`'s entries. */
export function historyEntries(root: string): Array<{ kind: string; turn: number; commit: string; messages: Record<string, number>; credits: number; edited: string[]; note?: string }> {
  const listed = lemming(root, ['history', '--json']);
  expect(listed.stderr).toBe('');
  expect(listed.status).toBe(0);
  return (JSON.parse(listed.stdout) as { entries: ReturnType<typeof historyEntries> }).entries;
}
