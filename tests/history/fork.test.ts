import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { messageFiles } from '../helpers/org-snapshot.js';
import { scratchDir } from '../faults/scratch.js';
import { historyEntries, originalRun, runOutcome, runToIdle } from './history-org.js';

let original = '';
let last = 0;
beforeAll(async () => {
  ({ root: original, last } = await originalRun());
}, 120_000);

/** Fork the original after `turn` into a new folder with the built CLI. */
async function forkAt(turn: number): Promise<string> {
  const fork = join(scratchDir('lemming-fork-'), 'fork');
  const made = await lemmingAsync(fork, ['fork', '--from', original, '--at', String(turn)]);
  expect(made.stderr).toBe('');
  expect(made.status).toBe(0);
  expect(made.stdout).toContain(`as it was after turn ${turn} to ${fork}`);
  return fork;
}

describe('lemming fork --at N', () => {
  test('for every turn N of a run to idle, a fork run to idle is the same run: messages, charges, balances', async () => {
    expect(last).toBeGreaterThanOrEqual(4);
    const turns = Array.from({ length: last + 1 }, (_, turn) => turn);
    const forks = await Promise.all(
      turns.map(async (turn) => {
        const fork = await forkAt(turn);
        // The fork is the org of then: its record says turn N, its outboxes hold no later mail.
        if (turn > 0) expect((JSON.parse(readFileSync(join(fork, 'org/state/engine.json'), 'utf8')) as { turn: number }).turn).toBe(turn);
        expect(Object.keys(messageFiles(fork)).every((file) => Number(/\/(\d{6})-/.exec(file)?.[1] ?? 0) <= turn)).toBe(true);
        if (turn < last) await runToIdle(fork);
        return fork;
      }),
    );
    const expected = runOutcome(original);
    for (const [turn, fork] of forks.entries()) expect(runOutcome(fork), `forked at turn ${turn}`).toEqual(expected);
  }, 600_000);

  test('a fork says where it came from and has the history up to its turn; a different message at N changes only the turns after N', async () => {
    const fork = await forkAt(2);
    const origin = JSON.parse(readFileSync(join(fork, 'org/state/forked-from.json'), 'utf8')) as { from: string; turn: number; commit: string };
    expect(origin).toMatchObject({ from: original, turn: 2 });
    const entries = historyEntries(fork);
    expect(entries.map((entry) => `${entry.kind} ${entry.turn}`)).toEqual(['turn 0', 'turn 1', 'turn 2', 'fork 2']);
    expect(entries[2]?.commit).toBe(origin.commit);
    // The counterfactual: the human asks something else after turn 2.
    expect(lemming(fork, ['send', 'manager', 'Stop the release; hire a tester instead.', '--subject', 'Change of plan']).status).toBe(0);
    await runToIdle(fork);
    const before = (messages: Record<string, string>): Record<string, string> =>
      Object.fromEntries(Object.entries(messages).filter(([file]) => /^agents\/(?!human\/)/.test(file) && Number(/\/(\d{6})-/.exec(file)?.[1]) <= 2));
    const after = (messages: Record<string, string>): Record<string, string> =>
      Object.fromEntries(Object.entries(messages).filter(([file]) => Number(/\/(\d{6})-/.exec(file)?.[1]) > 2));
    expect(before(messageFiles(fork))).toEqual(before(messageFiles(original)));
    expect(after(messageFiles(fork))).not.toEqual(after(messageFiles(original)));
  }, 300_000);

  test('a fork refuses a folder that is not empty, and a turn the history does not hold', async () => {
    const taken = await forkAt(1);
    const again = lemming(taken, ['fork', '--from', original, '--at', '1']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`${taken}: is not empty`);
    const nowhere = join(scratchDir('lemming-fork-'), 'fork');
    const unknown = lemming(nowhere, ['fork', '--from', original, '--at', String(last + 10)]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(`turn ${last + 10} is not in the history of ${original}: it holds turns 0 to ${last}`);
    expect(existsSync(join(nowhere, 'org'))).toBe(false);
  }, 120_000);
});
