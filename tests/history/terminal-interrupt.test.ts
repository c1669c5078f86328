import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { scratchDir } from '../faults/scratch.js';
import { gatedGit, releaseAll, runInGroup } from './slow-git.js';
import { copyOf, gitOnHistory, historyEntries, runOutcome, runToIdle, seededOrg } from './history-org.js';

let seed: string;
let reference: string;
afterEach(releaseAll);
beforeAll(async () => {
  seed = seededOrg();
  reference = copyOf(seed);
  await runToIdle(reference);
}, 120_000);

/** Each turn once, in order: what a complete history lists. */
function keptTurns(root: string): string[] {
  return historyEntries(root).map((entry) => `${entry.kind} ${entry.turn}`);
}

/** The entries kept beside the store for git to write (entry-spool.ts): none once git wrote them. */
function spooled(root: string): string[] {
  return readdirSync(join(root, 'org/state/history.git/lemming-pending')).filter((name) => name.endsWith('.entry'));
}

describe('Ctrl-C at a terminal, which reaches every process of the run, git among them', () => {
  // Before: git, killed by the same SIGINT, was taken for a git that failed, and the entries it had not written were dropped:
  // `lemming history` said the org had no history yet, and the next run began it at its own first turn (the turns before lost for good).
  // (Turn 1 is as far as these runs go before the stop: two seconds on, the next turn waits for git's checkpoint, which the gate holds.)
  test('as the run ends, while git still writes its entries: exit 0, and every turn is in the history', async () => {
    const root = copyOf(seed);
    const gate = join(scratchDir('lemming-gate-'), 'open');
    const run = runInGroup(root, ['run', '--until', '1', '--plain'], { PATH: `${gatedGit(gate)}:${process.env.PATH ?? ''}` });
    // Its last turn done, the run waits for git to write the entries before it sums up: Ctrl-C then.
    await run.waitFor(/\[turn 1\] done/);
    run.signalGroup('SIGINT');
    writeFileSync(gate, '');
    expect(await run.exited(), run.output()).toBe(0);

    expect(keptTurns(root)).toEqual(['turn 0', 'turn 1']);
    expect(spooled(root)).toEqual([]);
    gitOnHistory(root, ['fsck', '--no-dangling']);
    await runToIdle(root);
    expect(runOutcome(root)).toEqual(runOutcome(reference));
    expect(keptTurns(root)).toEqual(keptTurns(reference));
  }, 120_000);

  test('during a turn: the run stops (exit 0) with every committed turn in the history, and the next run ends as a run never stopped', async () => {
    const root = copyOf(seed);
    const gate = join(scratchDir('lemming-gate-'), 'open');
    const run = runInGroup(root, ['run', '--plain'], { PATH: `${gatedGit(gate)}:${process.env.PATH ?? ''}` });
    await run.waitFor(/\[turn 1\] done/);
    run.signalGroup('SIGINT');
    writeFileSync(gate, '');
    expect(await run.exited(), run.output()).toBe(0);
    expect(run.output()).toContain('stopped; the next `lemming run` picks up where this one left off');
    const committed = Number(/now at turn (\d+)/.exec(run.output())?.[1]);
    expect(keptTurns(root)).toEqual(keptTurns(reference).slice(0, committed + 1));
    expect(spooled(root)).toEqual([]);

    const resumed = await runToIdle(root);
    // What both runs said of coder_01, so a failure shows how its turn went. In loaded suites the Ctrl-C could meet coder_01's
    // test command under way (30 to 150 ms after turn 1): it was killed and run again with a note, which changed the tokens
    // of its report; a command under way now has half the stop's bound to end (tests/service/shutdown.test.ts).
    const ofCoder = `stopped run:\n${run.output().split('\n').filter((line) => /coder_01|sandbox|run_command|stopp/.test(line)).join('\n')}\nresumed run:\n${resumed.split('\n').filter((line) => /coder_01|sandbox|run_command/.test(line)).join('\n')}`;
    expect(runOutcome(root), ofCoder).toEqual(runOutcome(reference));
    expect(keptTurns(root)).toEqual(keptTurns(reference));
    gitOnHistory(root, ['fsck', '--no-dangling']);
  }, 120_000);
});
