import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { entryMessage, entrySubject, parseEntryMessage, type EntrySummary } from '../../src/history/history-entry.js';
import { workspaceLimitsOf } from '../../src/org/workspace-limits.js';
import { walkRecordedFiles } from '../../src/history/recorded-files.js';
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

  test("the walk that finds an entry's files takes the org's plain files; machine-local state, secrets, temporaries, links and a nested repository's .git are left out, the last two named", () => {
    const root = defaultOrg();
    const files: Record<string, string> = {
      'org/state/lock': 'x', 'org/state/lock.1': 'x', 'org/state/journal.jsonl': 'x', 'org/state/cache/a.json': 'x', 'org/state/x.tmp': 'x',
      'org/state/locked.json': 'kept', 'agents/manager/.env': 'SECRET=1', 'agents/manager/workspace/.env.local': 'SECRET=2',
      'workspace/.notes.md.lemming-1-2.tmp': 'x', 'workspace/a "b" c.txt': 'kept', 'workspace/deep/er/file.md': 'kept', 'workspace/run.sh': '#!/bin/sh\n',
      'workspace/.env/inside.txt': 'a folder named like a secret file is left out whole', 'agents/coder_01/workspace/repo/.git/config': '[core]', 'agents/coder_01/workspace/repo/main.py': 'kept',
      'agents/coder_01/workspace/.gitattributes': '* working-tree-encoding=UTF-16\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    chmodSync(join(root, 'workspace/run.sh'), 0o755);
    symlinkSync('deep/er/file.md', join(root, 'workspace/link.md'));
    const walked = walkRecordedFiles(root, workspaceLimitsOf(undefined));
    const taken = [...walked.files].map(([path, file]) => `${file.mode} ${path}`);
    expect(taken).toEqual(
      expect.arrayContaining(['100644 org/state/locked.json', '100755 workspace/run.sh', '100644 workspace/a "b" c.txt', '100644 workspace/deep/er/file.md', '100644 agents/coder_01/workspace/repo/main.py', '100644 agents/coder_01/workspace/.gitattributes']),
    );
    for (const path of ['org/state/lock', 'org/state/lock.1', 'org/state/journal.jsonl', 'org/state/cache/a.json', 'org/state/x.tmp', 'agents/manager/.env', 'agents/manager/workspace/.env.local', 'workspace/.notes.md.lemming-1-2.tmp', 'workspace/link.md', 'workspace/.env/inside.txt', 'agents/coder_01/workspace/repo/.git/config']) {
      expect(walked.files.has(path), path).toBe(false);
    }
    expect(walked.leftOut).toEqual(expect.arrayContaining([{ path: 'workspace/link.md', reason: 'link' }, { path: 'agents/coder_01/workspace/repo/.git', reason: 'git' }, { path: 'workspace/.env', reason: 'secret' }]));
  });
});
