import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles } from '../helpers/org-snapshot.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';

/**
 * The default org with org/routing.yaml: the manager's mail about the budget is forwarded to hr,
 * and mail unanswered for 2 turns is raised. The manager cannot pay for a call, so the human's
 * urgent request to it is forwarded (an engine action, no credits) and, two turns on, raised to
 * the human at the top, the sender: one notice.
 */
function seededOrg(): string {
  const root = mkdtempSync(join(tmpdir(), 'lemming-routing-seed-'));
  lemming(root, ['bootstrap']);
  const resume = join(root, 'agents/manager/resume.md');
  writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 0.5', 'credits: 0.0000001'));
  writeFileSync(join(root, 'org/routing.yaml'), 'forward:\n  - name: money\n    mail_to: manager\n    about: [budget]\n    forward_to: hr\nescalate:\n  after_turns: 2\n');
  lemming(root, ['send', 'manager', 'Please review the budget before Friday.', '--subject', 'Budget', '--priority', 'urgent']);
  return root;
}

const seed = seededOrg();
const reference = mkdtempSync(join(tmpdir(), 'lemming-routing-reference-'));
cpSync(seed, reference, { recursive: true });
const referenceRun = lemming(reference, ['run']);
afterAll(() => {
  for (const root of [seed, reference]) rmSync(root, { recursive: true, force: true });
});

interface Notice {
  id: string;
  subject: string;
  body: string;
}
function escalations(root: string): Notice[] {
  const inbox = JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as { notices: Notice[] };
  // Without the read marks: looking at the inbox marks it read.
  return inbox.notices.filter((notice) => notice.subject.startsWith('Escalated')).map(({ id, subject, body }) => ({ id, subject, body }));
}

/** Points in the routing of a turn: deciding, writing a forward, after the writes, and the commit after them. */
const POINTS = ['before-route:1', 'mid-route:1', 'after-route:1', 'before-commit:1', 'before-route:2', 'after-route:2', 'before-commit:2', 'after-taken:2', 'after-commit:2'];

describe('routing across a SIGKILL', () => {
  test('the reference run forwards once, raises once, and charges nothing for either', () => {
    expect(referenceRun.status).toBe(0);
    expect(referenceRun.stdout).toContain('manager -> hr: Fwd: Budget');
    expect(referenceRun.stdout).toContain('000000-human-001 unanswered: raised to human');
    const files = Object.keys(messageFiles(reference)).filter((file) => file.startsWith('agents/manager/outbox/'));
    expect(files).toEqual(['agents/manager/outbox/000001-001-hr.md']);
    expect(escalations(reference).map((notice) => notice.subject)).toEqual(['Escalated: manager has not answered human']);
    // Nobody charged the manager: it never made a call; hr's answer to the copy is its own call.
    expect(charges(reference).some((charge) => charge.includes(':manager:'))).toBe(false);
    expect(checkInvariants(reference)).toEqual([]);
  });

  test.concurrent.each(POINTS)('killed at %s and run again: the same forward and the same one escalation', async (point) => {
    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: point });
    expect(killed.signal).toBe('SIGKILL');
    const resumed = await lemmingAsync(root, ['run']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(messageFiles(root)).toEqual(messageFiles(reference));
    expect(charges(root)).toEqual(charges(reference));
    expect(activityLogs(root)).toEqual(activityLogs(reference));
    expect(escalations(root)).toEqual(escalations(reference));
    expect(checkInvariants(root)).toEqual([]);
  });
});
