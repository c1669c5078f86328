import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ChangeLogReader, CHANGE_LOG_FILE, recordChange } from '../../src/org/changes/change-log.js';
import { canWatch } from '../../src/org/changes/folder-watch.js';
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
