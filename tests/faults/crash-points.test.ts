import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { messageFiles, workspaceFiles } from '../helpers/org-snapshot.js';
import { scratchDir } from './scratch.js';
import { twoTasksOrg } from './two-tasks-org.js';
import { checkInvariants } from './invariants.js';
import { expectSameAs, killAndResume, POINTS, referenceOf } from './kill-and-resume.js';

/**
 * The same, with two files a person dropped into outboxes: one the chart allows, named
 * with the prefix of the manager's first turn (which a crash makes it finish again), and
 * one the chart refuses.
 */
const DROPPED = 'agents/manager/outbox/000001-note.md';
const REFUSED = 'agents/planner/outbox/000000-001-human.md';
function withDroppedFiles(seed: string): string {
  const root = mkdtempSync(join(tmpdir(), 'lemming-seed-'));
  cpSync(seed, root, { recursive: true });
  writeFileSync(join(root, DROPPED), '---\nto: human\nsubject: Status\n---\nA note for the human, written by hand.\n');
  writeFileSync(join(root, REFUSED), '---\nfrom: manager\nto: human\nsubject: Done\n---\nAll done.\n');
  return root;
}

const seed = twoTasksOrg();
const reference = referenceOf(seed);
const droppedSeed = withDroppedFiles(seed);
const droppedReference = referenceOf(droppedSeed);
afterAll(() => {
  for (const root of [seed, reference.root, droppedSeed, droppedReference.root]) rmSync(root, { recursive: true, force: true });
});

describe('a run killed with SIGKILL and started again', () => {
  test('the reference run reaches idle with several agents per turn, and keeps every promise', () => {
    expect(reference.run.status).toBe(0);
    expect(reference.run.stdout).toMatch(/agent\(s\) at work: hr, planner/);
    expect(Object.keys(messageFiles(reference.root)).length).toBeGreaterThanOrEqual(10);
    expect(reference.run.stdout).toMatch(/coder_01 step 1: write_file/);
    expect(Object.keys(workspaceFiles(reference.root)).length).toBeGreaterThanOrEqual(2);
    expect(checkInvariants(reference.root)).toEqual([]);
  });

  test.concurrent.each(POINTS)('killed at %s: no message lost or written twice, no charge lost or doubled', async (point) => {
    const root = await killAndResume(seed, point);
    expectSameAs(root, reference.root);
    expect(checkInvariants(root)).toEqual([]);
  });

  test.concurrent.each(['mid-write:1', 'after-ledger:1', 'before-commit:1'])(
    'with files dropped in by hand, killed at %s: the files stay, and each refusal is logged once',
    async (point) => {
      expect(droppedReference.run.status).toBe(0);
      const root = await killAndResume(droppedSeed, point);
      expectSameAs(root, droppedReference.root);
      expect(readFileSync(join(root, DROPPED), 'utf8')).toContain('A note for the human, written by hand.');
      expect(checkInvariants(root, { handDropped: [DROPPED, REFUSED] })).toEqual([]);
    },
  );

  test('a top-up made after a run died part-way through a ledger append is kept, and nothing is charged twice', async () => {
    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: 'mid-ledger:2' });
    expect(killed.signal).toBe('SIGKILL');
    const toppedUp = await lemmingAsync(root, ['top-up', 'planner', '1']);
    expect(toppedUp.status).toBe(0);
    const resumed = await lemmingAsync(root, ['run']);
    expect(resumed.status).toBe(0);
    expectSameAs(root, reference.root);
    const status = JSON.parse((await lemmingAsync(root, ['status', '--json'])).stdout) as { agents: Array<{ name: string; toppedUp: number }> };
    expect(status.agents.find((agent) => agent.name === 'planner')?.toppedUp).toBe(1);
    expect(checkInvariants(root)).toEqual([]);
  });
});
