import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { entryMessage, entrySubject, parseEntryMessage, type EntrySummary } from '../../src/history/history-entry.js';
import { recordedPathspecs } from '../../src/history/history-paths.js';
import { gitSync } from '../../src/history/git.js';
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

  test("the walk that finds an entry's changed files records exactly what git add records, and leaves the unusual to git", () => {
    const root = defaultOrg();
    const files: Record<string, string> = {
      'org/state/lock': 'x', 'org/state/lock.1': 'x', 'org/state/journal.jsonl': 'x', 'org/state/cache/a.json': 'x', 'org/state/x.tmp': 'x',
      'org/state/locked.json': 'kept', 'agents/manager/.env': 'SECRET=1', 'agents/manager/workspace/.env.local': 'SECRET=2',
      'workspace/.notes.md.lemming-1-2.tmp': 'x', 'workspace/a "b" c.txt': 'kept', 'workspace/deep/er/file.md': 'kept', 'workspace/run.sh': '#!/bin/sh\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    chmodSync(join(root, 'workspace/run.sh'), 0o755);
    symlinkSync('deep/er/file.md', join(root, 'workspace/link.md'));
    const walked = walkRecordedFiles(root);
    if (!('files' in walked)) throw new Error(`unusual: ${walked.unusual}`);
    // git itself, as an entry's first staging runs it.
    const place = { gitDir: join(root, 'scratch.git'), workTree: root, indexFile: join(root, 'scratch.index') };
    gitSync({ gitDir: place.gitDir }, ['init', '-q', '--bare']);
    gitSync(place, ['add', '--all', '--force', '--', ...recordedPathspecs(root).present]);
    const staged = gitSync(place, ['ls-files', '-s', '-z']).toString('utf8').split('\0').filter(Boolean).map((line) => `${line.split(' ')[0]} ${line.split('\t')[1]}`);
    expect([...walked.files].map(([path, file]) => `${file.mode} ${path}`).sort()).toEqual(staged.sort());
    expect(staged).toEqual(expect.arrayContaining(['100644 org/state/locked.json', '100755 workspace/run.sh', '120000 workspace/link.md', '100644 workspace/a "b" c.txt']));
    // A nested repository or a folder named like a secret file: git's pathspecs decide them, not the walk.
    mkdirSync(join(root, 'workspace/.env'));
    expect(walkRecordedFiles(root)).toEqual({ unusual: 'workspace/.env' });
    rmSync(join(root, 'workspace/.env'), { recursive: true });
    mkdirSync(join(root, 'agents/coder_01/workspace/repo/.git'), { recursive: true });
    expect(walkRecordedFiles(root)).toEqual({ unusual: 'agents/coder_01/workspace/repo/.git' });
  });

  test('what git add is given: the org folders that exist, less the machine-local state, secrets and temporaries', () => {
    const { present, missing } = recordedPathspecs(defaultOrg());
    // A new org has no shared workspace yet: git would refuse a pathspec that matches nothing, so it is dropped from the index instead.
    expect(present.slice(0, 2)).toEqual(['org', 'agents']);
    expect(missing).toEqual(['workspace']);
    expect(present).toEqual(expect.arrayContaining([':(exclude)org/state/history.git', ':(exclude)org/state/cache', ':(exclude)org/state/journal.jsonl', ':(exclude,glob)**/.env']));
  });
});
