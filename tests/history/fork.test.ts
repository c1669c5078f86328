import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { messageFiles } from '../helpers/org-snapshot.js';
import { scratchDir } from '../faults/scratch.js';
import { historyEntries, originalRun, runOutcome, runToIdle, seededOrg } from './history-org.js';

let original = '';
let last = 0;
beforeAll(async () => {
  ({ root: original, last } = await originalRun());
}, 120_000);

/** Fork the original after `turn` into a new folder with the built CLI. */
async function forkAt(turn: number, from = original): Promise<string> {
  const fork = join(scratchDir('lemming-fork-'), 'fork');
  const made = await lemmingAsync(fork, ['fork', '--from', from, '--at', String(turn)]);
  expect(made.stderr).toBe('');
  expect(made.status).toBe(0);
  expect(made.stdout).toContain(`as it was after turn ${turn} to ${fork}`);
  return fork;
}

/**
 * The seeded org run to idle with a person's hand edits after its first turn (the human sends the
 * manager a second request; the planner's budget is raised in its resume) and an intervention
 * before its third (org/interventions.yaml: the human asks for the changelog too). Each changes what
 * the turns after it do.
 */
async function editedRun(): Promise<{ root: string; last: number }> {
  const root = seededOrg();
  writeFileSync(join(root, 'org/interventions.yaml'), 'interventions:\n  - turn: 3\n    send: { to: manager, subject: Changelog, body: "Please also check the changelog." }\n');
  expect(lemming(root, ['run', '--turns', '1']).status).toBe(0);
  expect(lemming(root, ['send', 'manager', 'Also write the release notes.', '--subject', 'Release notes']).status).toBe(0);
  const resume = join(root, 'agents/planner/resume.md');
  writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 0.5', 'credits: 0.75'));
  await runToIdle(root);
  const entries = historyEntries(root);
  expect(entries.map((entry) => `${entry.kind} ${entry.turn}`)).toContain('edits 1');
  return { root, last: (JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number }).turn };
}

describe('lemming fork --at N', () => {
  test('for every turn N of a run to idle with hand edits and an intervention between turns, a fork run to idle is the same run (messages, charges, balances); one before the edits runs without them', async () => {
    const edited = await editedRun();
    expect(edited.last).toBeGreaterThanOrEqual(4);
    const expected = runOutcome(edited.root);
    // The edits and the intervention are in the run: the human's second request, the changelog, the planner's budget.
    expect(Object.values(expected.messages).some((text) => text.includes('Also write the release notes.'))).toBe(true);
    expect(Object.values(expected.messages).some((text) => text.includes('Please also check the changelog.'))).toBe(true);
    // A fork before the edits (turn 0) cannot know a person will make them: it runs as the original did up to them, then
    // without them. From turn 1 on, each fork holds them (and the intervention, part of the org, is carried out in its turn).
    const before = await forkAt(0, edited.root);
    await runToIdle(before);
    const upTo = (messages: Record<string, string>, turn: number): Record<string, string> =>
      Object.fromEntries(Object.entries(messages).filter(([file]) => /^agents\/(?!human\/)/.test(file) && Number(/\/(\d{6})-/.exec(file)?.[1]) <= turn));
    expect(upTo(messageFiles(before), 1)).toEqual(upTo(expected.messages, 1));
    expect(Object.values(messageFiles(before)).some((text) => text.includes('Also write the release notes.'))).toBe(false);
    const turns = Array.from({ length: edited.last }, (_, index) => index + 1);
    const forks = await Promise.all(
      turns.map(async (turn) => {
        const fork = await forkAt(turn, edited.root);
        // The fork is the org as turn N+1 found it: the human's second request is there from turn 1 on, and no later mail.
        expect(Object.values(messageFiles(fork)).some((text) => text.includes('Also write the release notes.'))).toBe(true);
        expect(Object.keys(messageFiles(fork)).every((file) => Number(/\/(\d{6})-/.exec(file)?.[1] ?? 0) <= turn)).toBe(true);
        if (turn < edited.last) await runToIdle(fork);
        return fork;
      }),
    );
    for (const [index, fork] of forks.entries()) expect(runOutcome(fork), `forked at turn ${index + 1}`).toEqual(expected);
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
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(`turn ${last + 10} is not in the history of ${original}: it holds turns 0 to ${last}`);
    expect(existsSync(join(nowhere, 'org'))).toBe(false);
  }, 120_000);
});
