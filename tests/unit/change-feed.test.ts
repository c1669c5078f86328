import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ChangeLogReader, CHANGE_LOG_FILE, recordChange } from '../../src/org/changes/change-log.js';
import { canWatch, FolderWatch } from '../../src/org/changes/folder-watch.js';
import { writeFileAtomic } from '../../src/storage/atomic-write.js';
import { SpreadScan } from '../../src/org/changes/spread-scan.js';
import { tempDir } from '../helpers/org-files.js';

describe('the spread scan', () => {
  test('looks at every agent within ceil(agents / per turn) turns, the same number each turn', () => {
    const names = Array.from({ length: 1_003 }, (_, index) => `agent_${index}`);
    const scan = new SpreadScan(100);
    expect(scan.turnsPerRound(names.length)).toBe(11);
    for (let round = 0; round < 3; round += 1) {
      const seen = new Set<string>();
      for (let turn = 0; turn < scan.turnsPerRound(names.length); turn += 1) {
        const share = scan.slice(names);
        expect(share).toHaveLength(100);
        for (const name of share) seen.add(name);
      }
      expect(seen.size).toBe(names.length);
    }
  });

  test('an org that fits is looked at whole every turn', () => {
    const scan = new SpreadScan(100);
    expect(scan.slice(['a', 'b'])).toEqual(['a', 'b']);
    expect(scan.turnsPerRound(100)).toBe(1);
  });
});

describe("the writers' change log", () => {
  test('the engine reads each recorded agent once, whole lines only, and an opening engine starts it afresh', () => {
    const root = tempDir();
    mkdirSync(join(root, 'org', 'state', 'cache'), { recursive: true });
    recordChange(root, 'before_open');
    const reader = new ChangeLogReader(root);
    expect(reader.take()).toEqual([]);
    recordChange(root, 'coder_01');
    recordChange(root, 'human');
    appendFileSync(join(root, CHANGE_LOG_FILE), 'plann');
    expect(reader.take()).toEqual(['coder_01', 'human']);
    appendFileSync(join(root, CHANGE_LOG_FILE), 'er\n');
    expect(reader.take()).toEqual(['planner']);
    expect(reader.take()).toEqual([]);
  });

  test('a writer in an org with no cache folder yet does not fail', () => {
    expect(() => recordChange(tempDir(), 'human')).not.toThrow();
  });
});

describe('notifications', () => {
  test('serve only where their watches fit in half the inotify limit, and up to 20,000 agents', () => {
    if (process.platform !== 'linux') return;
    expect(canWatch(2_000, 192_536)).toBe(true);
    expect(canWatch(100_000, 192_536)).toBe(false);
    expect(canWatch(20_000, 8_192)).toBe(false);
    expect(canWatch(20_001, 10_000_000)).toBe(false);
    expect(canWatch(10, undefined)).toBe(false);
  });
});

describe('the folder watch', () => {
  /** What `watch` marks once the system has told it everything before a last write into `sentinel`'s outbox (one inotify queue, in order). */
  async function marksAfter(watch: FolderWatch, root: string, own: (agent: string, name: string) => boolean): Promise<string[]> {
    writeFileSync(join(root, 'agents', 'sentinel', 'outbox', 'last.md'), 'x');
    const marked = new Set<string>();
    while (!marked.has('sentinel')) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const agent of watch.take(own)) marked.add(agent);
    }
    marked.delete('sentinel');
    return [...marked].sort();
  }

  test("an outbox's notifications mark its agent unless they name only lemming's own messages or files that are never mail", async () => {
    if (process.platform !== 'linux') return;
    const root = tempDir();
    const agents = ['busy', 'dropped', 'edited', 'notes', 'sentinel'];
    for (const agent of agents) mkdirSync(join(root, 'agents', agent, 'outbox'), { recursive: true });
    for (const agent of agents) writeFileSync(join(root, 'agents', agent, 'resume.md'), '---\ntitle: Worker\n---\n');
    const watch = new FolderWatch(join(root, 'agents'));
    expect(watch.start(agents)).toBe(true);
    try {
      const own = (agent: string, name: string): boolean => (agent === 'busy' || agent === 'dropped') && name === '000003-001-next.md';
      // Each writes its message as the engine does (a temporary, then a rename); `dropped` also gets a file by hand.
      writeFileAtomic(join(root, 'agents', 'busy', 'outbox', '000003-001-next.md'), 'sent');
      writeFileAtomic(join(root, 'agents', 'dropped', 'outbox', '000003-001-next.md'), 'sent');
      writeFileSync(join(root, 'agents', 'dropped', 'outbox', 'by-hand.md'), 'dropped');
      writeFileSync(join(root, 'agents', 'edited', 'resume.md'), '---\ntitle: Edited\n---\n');
      // A name no scan takes (not `.md`, or a dot name): no mail can come of it.
      writeFileSync(join(root, 'agents', 'notes', 'outbox', 'notes.txt'), 'kept');
      writeFileSync(join(root, 'agents', 'notes', 'outbox', '.draft.md'), 'kept');
      expect(await marksAfter(watch, root, own)).toEqual(['dropped', 'edited']);
      // A hidden draft renamed to a message's name is a new file: seen.
      renameSync(join(root, 'agents', 'notes', 'outbox', '.draft.md'), join(root, 'agents', 'notes', 'outbox', 'draft.md'));
      expect(await marksAfter(watch, root, own)).toEqual(['notes']);
      // Without a word on lemming's own files, every notification marks.
      writeFileAtomic(join(root, 'agents', 'busy', 'outbox', '000003-001-next.md'), 'sent');
      expect(await marksAfter(watch, root, () => false)).toEqual(['busy']);
    } finally {
      watch.close();
    }
  });
});
