import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { scratchDir } from '../faults/scratch.js';
import { lemmingAsync } from '../helpers/cli.js';
import { gatedGit, releaseAll, runInGroup } from './slow-git.js';
import { historyEntries, seededOrg } from './history-org.js';

afterEach(releaseAll);

/** Each turn once, in order: what a complete history lists. */
function keptTurns(root: string): string[] {
  return historyEntries(root).map((entry) => `${entry.kind} ${entry.turn}`);
}

/** The entries kept beside the store for git to write (entry-spool.ts): none once git wrote them. */
function spooled(root: string): string[] {
  return readdirSync(join(root, 'org/state/history.git/lemming-pending')).filter((name) => name.endsWith('.entry'));
}

/** A run of the seeded org to turn 1 whose git waits at `at` until the returned gate is opened. */
function slowGitRun(at: 'start' | 'exit') {
  const root = seededOrg();
  const gate = join(scratchDir('lemming-gate-'), 'open');
  const run = runInGroup(root, ['run', '--until', '1', '--plain'], { PATH: `${gatedGit(gate, at)}:${process.env.PATH ?? ''}` });
  return { root, run, open: () => writeFileSync(gate, '') };
}

// Before: the run printed nothing while it waited, however long git took, and a first Ctrl-C said
// "stopping: the next `lemming run` resumes where this one stops" with every turn done.
describe('a run whose git is slow to write the history at its end says what it waits for', () => {
  test('before the summary: a line naming git and the history, and a Ctrl-C says every turn is done', async () => {
    const { root, run, open } = slowGitRun('start');
    await run.waitFor(/waiting for git to write the history's last entries \(org\/state\/history\.git\)/);
    const before = run.output();
    expect(before).toContain('[turn 1] done');
    expect(before).not.toContain('turn(s) run');

    run.signalGroup('SIGINT');
    await run.waitFor(/stopping:/);
    expect(run.output()).toContain("stopping: every turn is done; the run ends once git has written the history's last entries");
    expect(run.output()).not.toContain('resumes where this one stops');
    // And how long it waits for git at most (the 8 s of --shutdown-timeout), before the summary.
    expect(run.output()).toContain("(Ctrl-C again to quit now: they wait beside the store, and the next `lemming run` writes them); lemming quits by itself 8 s after this at most (--shutdown-timeout), and the next start recovers");
    open();
    expect(await run.exited(), run.output()).toBe(0);
    expect(run.output()).toContain('1 turn(s) run, now at turn 1');
    expect(keptTurns(root)).toEqual(['turn 0', 'turn 1']);
    expect(spooled(root)).toEqual([]);
  }, 120_000);

  test('before the summary, quit with a second Ctrl-C: the entries wait beside the store and the next run writes them, as the line says', async () => {
    const { root, run, open } = slowGitRun('start');
    await run.waitFor(/waiting for git to write the history's last entries/);
    run.signalGroup('SIGINT');
    await run.waitFor(/they wait beside the store, and the next `lemming run` writes them/);
    run.signalGroup('SIGINT');
    expect(await run.exited()).toBe(130);
    expect(spooled(root).length).toBeGreaterThan(0);
    open();

    const next = await lemmingAsync(root, ['run', '--until', '1', '--plain']);
    expect(next.status, next.stderr).toBe(0);
    expect(keptTurns(root)).toEqual(['turn 0', 'turn 1']);
    expect(spooled(root)).toEqual([]);
  }, 120_000);

  test('before the summary, a git that never finishes: the stop says its bound (--shutdown-timeout), keeps it, and the next run writes the entries', async () => {
    const root = seededOrg();
    const gate = join(scratchDir('lemming-gate-'), 'open');
    const run = runInGroup(root, ['run', '--until', '1', '--plain', '--shutdown-timeout', '1'], { PATH: `${gatedGit(gate, 'start')}:${process.env.PATH ?? ''}` });
    await run.waitFor(/waiting for git to write the history's last entries/);
    run.signalGroup('SIGINT');
    expect(await run.exited()).toBe(130);
    expect(run.output()).toContain('they wait beside the store, and the next `lemming run` writes them); lemming quits by itself 1 s after this at most (--shutdown-timeout), and the next start recovers');
    expect(run.output()).toContain('did not stop within 1 s (--shutdown-timeout): quitting now; the next start recovers');
    expect(spooled(root).length).toBeGreaterThan(0);
    writeFileSync(gate, '');

    const next = await lemmingAsync(root, ['run', '--until', '1', '--plain']);
    expect(next.status, next.stderr).toBe(0);
    expect(keptTurns(root)).toEqual(['turn 0', 'turn 1']);
    expect(spooled(root)).toEqual([]);
  }, 120_000);

  test('after the summary: a line naming git and the history, and a Ctrl-C says the run is over', async () => {
    const { root, run, open } = slowGitRun('exit');
    await run.waitFor(/the run is over; waiting for git to finish the history \(org\/state\/history\.git\)/);
    expect(run.output()).toContain('1 turn(s) run, now at turn 1');

    run.signalGroup('SIGINT');
    await run.waitFor(/stopping:/);
    expect(run.output()).toContain('stopping: the run is over; lemming exits once git has finished the history');
    expect(run.output()).not.toContain('resumes where this one stops');
    open();
    expect(await run.exited(), run.output()).toBe(0);
    expect(keptTurns(root)).toEqual(['turn 0', 'turn 1']);
    expect(spooled(root)).toEqual([]);
  }, 120_000);
});
