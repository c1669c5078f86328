import { describe, expect, test } from 'vitest';
import { orgPath, storedPath } from '../../src/history/stored-path.js';

describe('where the history keeps a file of the org', () => {
  test('a file named for a turn goes into a folder of a hundred beside it; anything else stays where the org has it; each comes back to its place', () => {
    const cases: Array<[string, string]> = [
      ['agents/manager/outbox/000123-001-planner.md', 'agents/manager/outbox/0001xx/00012x/000123-001-planner.md'],
      ['agents/manager/outbox/000099-002-hr.md', 'agents/manager/outbox/0000xx/00009x/000099-002-hr.md'],
      ['agents/manager/outbox/001000-001-hr.md', 'agents/manager/outbox/0010xx/00100x/001000-001-hr.md'],
      ['agents/manager/logs/activity/000012.jsonl', 'agents/manager/logs/activity/0000xx/00001x/000012.jsonl'],
      ['agents/manager/logs/traces/000002.json', 'agents/manager/logs/traces/0000xx/00000x/000002.json'],
      ['agents/.retired/hr-000004-1/outbox/000003-001-manager.md', 'agents/.retired/hr-000004-1/outbox/0000xx/00000x/000003-001-manager.md'],
      // A person's file named like a message goes with them: the way back is the same.
      ['agents/manager/outbox/000001-note.md', 'agents/manager/outbox/0000xx/00000x/000001-note.md'],
      ['agents/manager/outbox/000007', 'agents/manager/outbox/0000xx/00000x/000007'],
      // Not six digits then `-` or `.`: where the org has it.
      ['agents/manager/resume.md', 'agents/manager/resume.md'],
      ['agents/manager/outbox/note.md', 'agents/manager/outbox/note.md'],
      ['org/state/engine/000000012.json', 'org/state/engine/000000012.json'],
      ['org/state/ledger/000000065536.jsonl', 'org/state/ledger/000000065536.jsonl'],
      ['workspace/12345-notes.md', 'workspace/12345-notes.md'],
      ['workspace/1234567.md', 'workspace/1234567.md'],
      // A folder of the org's own named like a folder of a hundred keeps a `~` more in the history.
      ['workspace/0001xx/plan.md', 'workspace/0001xx~/plan.md'],
      ['workspace/0001xx/000123-plan.md', 'workspace/0001xx~/0001xx/00012x/000123-plan.md'],
      ['workspace/0001xx~/plan.md', 'workspace/0001xx~~/plan.md'],
      ['workspace/0001xxx/plan.md', 'workspace/0001xxx/plan.md'],
      ['workspace/00012x/plan.md', 'workspace/00012x~/plan.md'],
    ];
    for (const [path, stored] of cases) {
      expect(storedPath(path), path).toBe(stored);
      expect(orgPath(stored), stored).toBe(path);
    }
  });

  test('a path an entry of an earlier layout kept where the org has it reads as that place', () => {
    for (const path of ['agents/manager/outbox/000123-001-planner.md', 'agents/manager/logs/activity/000012.jsonl', 'org/state/engine.json']) expect(orgPath(path)).toBe(path);
    // Folders named so that do not hold their own numbers (no entry writes one) are ordinary folders.
    expect(orgPath('agents/manager/outbox/0001xx/000223-001-hr.md')).toBe('agents/manager/outbox/0001xx/000223-001-hr.md');
    expect(orgPath('agents/manager/outbox/0002xx/00012x/000123-001-hr.md')).toBe('agents/manager/outbox/0002xx/00012x/000123-001-hr.md');
  });
});
