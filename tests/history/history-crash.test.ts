import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { copyOf, gitOnHistory, historyEntries, runOutcome, runToIdle, seededOrg } from './history-org.js';

let seed: string;
let reference: string;
beforeAll(async () => {
  seed = seededOrg();
  reference = copyOf(seed);
  await runToIdle(reference);
}, 120_000);

/** Each turn once, in order: what a complete history lists. */
function keptTurns(root: string): string[] {
  return historyEntries(root).map((entry) => `${entry.kind} ${entry.turn}`);
}

describe('a run killed while the history is written', () => {
  // mid-history: an entry's commit is written, the branch not moved yet (the first entry, turn 0's, and turn 2's);
  // after-commit: a turn is committed and its entry not begun;
  // mid-import: half of an entry is given to git fast-import, which writes every entry (turn 0's, the history's first, and turn 1's);
  // git must write nothing of the half it was given (it is started with --done), or the next run would find half of turn 0 recorded.
  test.concurrent.each(['mid-history:1', 'mid-history:3', 'after-commit:1', 'after-commit:3', 'mid-import:1', 'mid-import:2'])('killed at %s: the next run records the missing entry, and the run is the same', async (point) => {
    const root = copyOf(seed);
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: point });
    expect(killed.signal).toBe('SIGKILL');
    await runToIdle(root);
    expect(runOutcome(root)).toEqual(runOutcome(reference));
    expect(keptTurns(root)).toEqual(keptTurns(reference));
    // The late entry says so; git finds the store whole.
    expect(historyEntries(root).some((entry) => entry.note?.startsWith('Recorded when the next run began'))).toBe(point.startsWith('mid-history:3') || point.startsWith('after-commit') || point === 'mid-import:2');
    gitOnHistory(root, ['fsck', '--no-dangling']);
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
