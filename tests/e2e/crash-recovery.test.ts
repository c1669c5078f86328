import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { lemming } from '../helpers/cli.js';
import { allFiles, charges, messageFiles } from '../helpers/org-snapshot.js';
import { tempDir } from '../helpers/temp-org.js';

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

const POINTS = [
  'before-call:1',
  'before-call:4',
  'after-response:1',
  'after-response:3',
  'mid-write:1',
  'mid-write:4',
  'after-apply:2',
  'after-ledger:1',
  'after-ledger:5',
  'before-commit:2',
  'after-commit:1',
  'after-commit:4',
];

describe('a run killed with SIGKILL and started again', () => {
  test('the reference run reaches idle with several agents per turn', () => {
    expect(referenceRun.status).toBe(0);
    expect(referenceRun.stdout).toMatch(/agent\(s\) at work: hr, planner/);
    expect(Object.keys(messageFiles(reference)).length).toBeGreaterThanOrEqual(10);
  });

  test.each(POINTS)('killed at %s: no message lost or written twice, no charge lost or doubled', (point) => {
    const root = tempDir();
    cpSync(seed, root, { recursive: true });
    const killed = lemming(root, ['run'], { LEMMING_CRASH_AT: point });
    expect(killed.signal).toBe('SIGKILL');
    const resumed = lemming(root, ['run']);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain('the org is idle');
    expect(messageFiles(root)).toEqual(messageFiles(reference));
    expect(charges(root)).toEqual(charges(reference));
    const leftovers = allFiles(root).filter((file) => file.endsWith('.tmp') || file.endsWith('journal.jsonl') || file.endsWith('/lock'));
    expect(leftovers).toEqual([]);
  });
});

describe('two engines on one org', () => {
  test('a run is refused while another engine holds the org; the lock of a killed run is recovered', () => {
    const root = tempDir();
    cpSync(seed, root, { recursive: true });
    const holder = Engine.open({ root, command: 'run' });
    try {
      const refused = lemming(root, ['run']);
      expect(refused.status).toBe(3);
      expect(refused.stderr).toMatch(new RegExp(`another engine is working on this org \\(process ${process.pid}, \`lemming run\``));
      expect(lemming(root, ['run-once']).status).toBe(3);
    } finally {
      holder.close();
    }
    const killed = lemming(root, ['run'], { LEMMING_CRASH_AT: 'after-response:2' });
    expect(killed.signal).toBe('SIGKILL');
    expect(allFiles(root)).toContain('org/state/lock');
    const next = lemming(root, ['run']);
    expect(next.status).toBe(0);
    expect(messageFiles(root)).toEqual(messageFiles(reference));
  });
});
