import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles } from '../helpers/org-snapshot.js';
import { scratchDir } from './scratch.js';
import { checkInvariants } from './invariants.js';

/** A default org with two tasks waiting, so turns have several agents at work. */
function seededOrg(): string {
  const root = mkdtempSync(join(tmpdir(), 'lemming-seed-'));
  lemming(root, ['bootstrap']);
  lemming(root, ['send', 'manager', 'Plan and build the first release.', '--subject', 'First release']);
  lemming(root, ['send', 'manager', 'Run the onboarding for a new engineer.', '--subject', 'Onboarding']);
  return root;
}

const seed = seededOrg();
const reference = mkdtempSync(join(tmpdir(), 'lemming-reference-'));
cpSync(seed, reference, { recursive: true });
const referenceRun = lemming(reference, ['run']);
afterAll(() => {
  rmSync(seed, { recursive: true, force: true });
  rmSync(reference, { recursive: true, force: true });
});

/**
 * Points inside a turn (crash-points.ts), each at a first and a later time it is
 * reached: before a call, after a call before any write, between two message
 * writes, after the writes before the journal, after the journal, part-way
 * through the ledger's batch, after the ledger, before and after the commit.
 */
const POINTS = [
  'before-call:1',
  'before-call:4',
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
  'after-commit:1',
  'after-commit:4',
];

function expectSameAsReference(root: string): void {
  expect(messageFiles(root)).toEqual(messageFiles(reference));
  expect(charges(root)).toEqual(charges(reference));
  expect(activityLogs(root)).toEqual(activityLogs(reference));
}

describe('a run killed with SIGKILL and started again', () => {
  test('the reference run reaches idle with several agents per turn, and keeps every promise', () => {
    expect(referenceRun.status).toBe(0);
    expect(referenceRun.stdout).toMatch(/agent\(s\) at work: hr, planner/);
    expect(Object.keys(messageFiles(reference)).length).toBeGreaterThanOrEqual(10);
    expect(checkInvariants(reference)).toEqual([]);
  });

  test.concurrent.each(POINTS)('killed at %s: no message lost or written twice, no charge lost or doubled', async (point) => {
    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: point });
    expect(killed.signal).toBe('SIGKILL');
    const resumed = await lemmingAsync(root, ['run']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain('the org is idle');
    expectSameAsReference(root);
    expect(checkInvariants(root)).toEqual([]);
  });

  test('a top-up made after a run died part-way through a ledger append is kept, and nothing is charged twice', async () => {
    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: 'mid-ledger:2' });
    expect(killed.signal).toBe('SIGKILL');
    const toppedUp = await lemmingAsync(root, ['top-up', 'planner', '1']);
    expect(toppedUp.status).toBe(0);
    const resumed = await lemmingAsync(root, ['run']);
    expect(resumed.status).toBe(0);
    expectSameAsReference(root);
    const status = JSON.parse((await lemmingAsync(root, ['status', '--json'])).stdout) as { agents: Array<{ name: string; toppedUp: number }> };
    expect(status.agents.find((agent) => agent.name === 'planner')?.toppedUp).toBe(1);
    expect(checkInvariants(root)).toEqual([]);
  });
});
