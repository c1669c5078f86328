import { describe, expect, test } from 'vitest';
import { entryMessage, entrySubject, parseEntryMessage, type EntrySummary } from '../../src/history/history-entry.js';
import { recordedPathspecs } from '../../src/history/history-paths.js';
import { parseVerboseAdd } from '../../src/history/record-entry.js';
import { defaultOrg } from '../helpers/temp-org.js';

const turn: EntrySummary = { kind: 'turn', turn: 3, messages: { manager: 2, planner: 1 }, credits: 0.00123, changed: 7, edited: [], proposals: ['000003-hr-001 pending'] };

describe("a history entry's message", () => {
  test('says the turn in its subject and gives the summary back whole from its trailer', () => {
    expect(entrySubject(turn)).toBe('turn 3: 3 message(s) (manager 2, planner 1), 0.0012 credits, 7 file(s) changed, proposals: 000003-hr-001 pending');
    expect(parseEntryMessage(entryMessage({ ...turn, note: 'A note.' }))).toEqual({ ...turn, note: 'A note.' });
    expect(parseEntryMessage('a commit someone else made\n')).toBeUndefined();
    expect(parseEntryMessage('x\n\nLemming-Entry: {"kind":"other","turn":1}\n')).toBeUndefined();
  });

  test('edits name the files; many senders are counted, not listed', () => {
    expect(entrySubject({ ...turn, kind: 'edits', changed: 4, edited: ['a', 'b', 'c', 'd'] })).toBe('edits before turn 4: 4 file(s) changed (a, b, c, and 1 more)');
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, index) => [`agent_${index}`, 1]));
    expect(entrySubject({ ...turn, messages: many, proposals: [] })).toContain('agent_4 1, 3 more agent(s))');
  });

  test("git add --verbose's lines are read as changes, a quoted name too", () => {
    const output = Buffer.from("add 'agents/manager/outbox/000003-001-planner.md'\nremove 'workspace/old.txt'\nadd 'workspace/a \\\"b\\\".txt'\n");
    expect(parseVerboseAdd(output).map((change) => `${change.status} ${change.path}`)).toEqual(['A agents/manager/outbox/000003-001-planner.md', 'D workspace/old.txt', 'A workspace/a \\"b\\".txt']);
  });

  test('what git add is given: the org folders that exist, less the machine-local state, secrets and temporaries', () => {
    const { present, missing } = recordedPathspecs(defaultOrg());
    // A new org has no shared workspace yet: git would refuse a pathspec that matches nothing, so it is dropped from the index instead.
    expect(present.slice(0, 2)).toEqual(['org', 'agents']);
    expect(missing).toEqual(['workspace']);
    expect(present).toEqual(expect.arrayContaining([':(exclude)org/state/history.git', ':(exclude)org/state/cache', ':(exclude)org/state/journal.jsonl', ':(exclude,glob)**/.env']));
  });
});
