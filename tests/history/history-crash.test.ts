import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { scratchDir } from '../faults/scratch.js';
import { copyOf, gitOnHistory, historyEntries, runOutcome, runToIdle, seededOrg } from './history-org.js';

let seed: string;
let reference: string;
beforeAll(async () => {
  seed = seededOrg();
  reference = copyOf(seed);
  await runToIdle(reference);
}, 120_000);

/** Where the real git is, for a shim in front of it. */
function gitPath(): string {
  for (const folder of (process.env.PATH ?? '').split(':')) if (folder && existsSync(join(folder, 'git'))) return join(folder, 'git');
  throw new Error('git is not on PATH');
}

/** Each turn once, in order: what a complete history lists. */
function keptTurns(root: string): string[] {
  return historyEntries(root).map((entry) => `${entry.kind} ${entry.turn}`);
}

describe('a run killed while the history is written', () => {
  // mid-history: an entry's commit is written, the branch not moved yet (the first entry, turn 0's, and turn 2's);
  // after-commit: a turn is committed and its entry not begun;
  // mid-import: half of an entry is given to git fast-import, which writes every entry (turn 0's, the history's first, and turn 1's);
  // git must write nothing of the half it was given (it is started with --done), or the next run would find half of turn 0 recorded;
  // the entry, kept whole beside the store before git was given it, is written by the next run as it was read (not late).
  test.concurrent.each(['mid-history:1', 'mid-history:3', 'after-commit:1', 'after-commit:3', 'mid-import:1', 'mid-import:2'])('killed at %s: the next run records the missing entry, and the run is the same', async (point) => {
    const root = copyOf(seed);
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: point });
    expect(killed.signal).toBe('SIGKILL');
    await runToIdle(root);
    expect(runOutcome(root)).toEqual(runOutcome(reference));
    expect(keptTurns(root)).toEqual(keptTurns(reference));
    // The late entry says so; git finds the store whole.
    expect(historyEntries(root).some((entry) => entry.note?.startsWith('Recorded when the next run began'))).toBe(point.startsWith('mid-history:3') || point.startsWith('after-commit'));
    gitOnHistory(root, ['fsck', '--no-dangling']);
  }, 300_000);

  // A turn killed after some of its charges are on the ledger (mid-ledger, after-ledger, before-commit), after one agent's
  // or inside a multi-step turn (after-step), is finished by the next run: its entry must say what the
  // turn charged, as the ledger does. Before, it said what the finishing run charged: 0.0000 credits, or a part.
  test.concurrent.each(['mid-ledger:1', 'after-ledger:1', 'before-commit:2', 'after-step:2'])(
    'killed inside a turn at %s: the finished turn\'s entry lists the credits and messages the turn had in the run never killed',
    async (point) => {
      const root = copyOf(seed);
      const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: point });
      expect(killed.signal).toBe('SIGKILL');
      await runToIdle(root);
      expect(runOutcome(root)).toEqual(runOutcome(reference));
      const listed = (entries: ReturnType<typeof historyEntries>) => entries.map(({ kind, turn, messages, credits }) => ({ kind, turn, messages, credits }));
      expect(listed(historyEntries(root))).toEqual(listed(historyEntries(reference)));
    },
    300_000,
  );

  test('killed while git has taken in entries it has not written: the next run writes them as they were read, and no turn is missing', async () => {
    // The interleaving forced: this git's fast-import reads every entry given and writes none (a git on a machine too busy to
    // keep up), so turn 0's and turn 1's entries are under way when the run is killed in turn 2's. Before, they were lost: the
    // next run recorded turn 2 late, and the history had no turn 1.
    const shim = scratchDir('lemming-git-shim-');
    writeFileSync(join(shim, 'git'), `#!/bin/sh\nfor word in "$@"; do [ "$word" = fast-import ] && exec cat >/dev/null; done\nexec ${gitPath()} "$@"\n`);
    chmodSync(join(shim, 'git'), 0o755);
    const root = copyOf(seed);
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: 'mid-history:3', PATH: `${shim}:${process.env.PATH ?? ''}` });
    expect(killed.signal).toBe('SIGKILL');
    await runToIdle(root);
    expect(runOutcome(root)).toEqual(runOutcome(reference));
    expect(keptTurns(root)).toEqual(keptTurns(reference));
    gitOnHistory(root, ['fsck', '--no-dangling']);
  }, 300_000);

  test('killed with entries git has not written: history, show and fork say which turns wait and that the next run writes them, not that nothing is kept', async () => {
    // The same git that writes nothing, so every entry of the killed run waits beside the store (turns 0 to 2 at after-commit:3).
    const shim = scratchDir('lemming-git-shim-');
    writeFileSync(join(shim, 'git'), `#!/bin/sh\nfor word in "$@"; do [ "$word" = fast-import ] && exec cat >/dev/null; done\nexec ${gitPath()} "$@"\n`);
    chmodSync(join(shim, 'git'), 0o755);
    const root = copyOf(seed);
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: 'after-commit:3', PATH: `${shim}:${process.env.PATH ?? ''}` });
    expect(killed.signal).toBe('SIGKILL');
    // Before: "this org has no history yet; ... each turn from the next run on is kept", as if turns 0 to 2 were lost.
    for (const args of [['history'], ['show', '--at', '1', 'org/chart.yaml']]) {
      const read = lemming(root, args);
      expect(read.status).toBe(1);
      expect(read.stderr).toContain('the entries of turns 0 to 2 wait beside it');
      expect(read.stderr).toContain('the next `lemming run` writes them first');
      expect(read.stderr).not.toContain('from the next run on');
    }
    const fork = lemming(scratchDir('lemming-fork-'), ['fork', '--from', root, '--at', '1']);
    expect(fork.status).toBe(1);
    expect(fork.stderr).toContain('the entries of turns 0 to 2 wait beside it');
    // Nothing was written by the commands that read: the next run writes them, and then the fork is made.
    await runToIdle(root);
    expect(keptTurns(root)).toEqual(keptTurns(reference));
    expect(lemming(root, ['history']).stdout).not.toContain('Not in it yet');
    expect(lemming(scratchDir('lemming-fork-'), ['fork', '--from', root, '--at', '1']).status).toBe(0);
  }, 300_000);

  // after-commit:3: the git that writes nothing leaves turns 0 to 2 waiting, turn 3 committed and its entry not begun;
  // before-commit:4: turns 0 to 3 wait, and turn 4 is left unfinished (`--until 3` does not finish it).
  test.each(['after-commit:3', 'before-commit:4'])('killed at %s with entries git has not written, then `run --until 3`, a turn already reached: the entries are written, as any run\'s start writes them', async (point) => {
    const shim = scratchDir('lemming-git-shim-');
    writeFileSync(join(shim, 'git'), `#!/bin/sh\nfor word in "$@"; do [ "$word" = fast-import ] && exec cat >/dev/null; done\nexec ${gitPath()} "$@"\n`);
    chmodSync(join(shim, 'git'), 0o755);
    const root = copyOf(seed);
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: point, PATH: `${shim}:${process.env.PATH ?? ''}` });
    expect(killed.signal).toBe('SIGKILL');
    const before = runOutcome(root);
    // Before: the run reached no new turn and wrote nothing; `lemming history` still said the entries waited for the next run.
    const until = await lemmingAsync(root, ['run', '--until', '3', '--plain']);
    expect(until.stderr).toBe('');
    expect(until.status).toBe(0);
    // The killed run's lock is taken over, and said, before the first turn (labelled with the next turn); no turn 4 runs.
    expect(until.stdout).toMatch(/^\[turn 4\] warning: org\/state\/lock: taken over from process \d+ \(`lemming run`, since [^)]*\), which is gone$/m);
    expect(until.stdout.replace(/^\[turn 4\] warning: org\/state\/lock: .*$/m, '')).not.toContain('[turn 4]');
    const history = lemming(root, ['history']);
    expect(history.stderr).not.toContain('wait beside it');
    expect(history.status).toBe(0);
    expect(keptTurns(root)).toEqual(['turn 0', 'turn 1', 'turn 2', 'turn 3']);
    expect(readdirSync(join(root, 'org/state/history.git/lemming-pending')).filter((name) => name.endsWith('.entry'))).toEqual([]);
    // No turn ran: the messages, charges and balances are the killed run's.
    expect(runOutcome(root)).toEqual(before);
    gitOnHistory(root, ['fsck', '--no-dangling']);
    // The run to idle goes on from there as a run never stopped.
    await runToIdle(root);
    expect(runOutcome(root)).toEqual(runOutcome(reference));
    expect(keptTurns(root)).toEqual(keptTurns(reference));
  }, 300_000);

  test("a git killed mid-write leaves its index lock: the next entry is written all the same", async () => {
    const root = copyOf(reference);
    writeFileSync(join(root, 'org/state/history.git/lemming-index.lock'), '');
    lemming(root, ['send', 'manager', 'One more thing: a changelog.']);
    await runToIdle(root);
    const entries = historyEntries(root);
    expect(entries.filter((entry) => entry.kind === 'edits')).toHaveLength(1);
    expect(entries.at(-1)?.kind).toBe('turn');
  }, 120_000);
});
