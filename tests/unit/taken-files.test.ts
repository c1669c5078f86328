import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { appendTaken, deliveredMail, takenNames, takenStatus } from '../../src/engine/record/taken-files.js';
import { tempDir } from '../helpers/org-files.js';

describe('the record of files taken in says which were delivered', () => {
  test('delivered, refused or skipped, never taken: by name, and the latest line wins', () => {
    const path = join(tempDir(), 'taken.jsonl');
    let size = appendTaken(path, { turn: 1, files: { manager: ['000000-001-planner.md', 'broken.md', '000002-001-hr.md'], hr: ['note.md'] }, undelivered: { manager: ['broken.md', '000002-001-hr.md'], hr: [] } }, 0);
    expect(readFileSync(path, 'utf8')).toBe(
      '{"turn":1,"files":{"hr":["note.md"],"manager":["000000-001-planner.md","broken.md","000002-001-hr.md"]},"undelivered":{"manager":["broken.md","000002-001-hr.md"]}}\n',
    );
    expect(takenStatus(path, 'manager', '000000-001-planner.md')).toBe('delivered');
    expect(takenStatus(path, 'manager', 'broken.md')).toBe('undelivered');
    expect(takenStatus(path, 'hr', 'note.md')).toBe('delivered');
    expect(takenStatus(path, 'manager', 'later.md')).toBe('not taken');
    // The engine writes the name a skipped file had taken (it was named for turn 2): now it is delivered mail.
    size = appendTaken(path, { turn: 2, files: { manager: ['000002-001-hr.md'] } }, size);
    expect(takenStatus(path, 'manager', '000002-001-hr.md')).toBe('delivered');
    expect(takenStatus(path, 'manager', 'broken.md')).toBe('undelivered');
    expect([...takenNames(path, 'manager')].sort()).toEqual(['000000-001-planner.md', '000002-001-hr.md', 'broken.md']);
    // A line from before lemming kept `undelivered` counts its files as delivered.
    appendFileSync(path, '{"turn":3,"files":{"janitor":["old.md"]}}\n');
    expect(takenStatus(path, 'janitor', 'old.md')).toBe('delivered');
  });

  test("a call may open what the record says was delivered and what its own inbox shows, which this turn's scan took in", () => {
    const path = join(tempDir(), 'taken.jsonl');
    appendTaken(path, { turn: 1, files: { manager: ['a.md', 'b.md'] }, undelivered: { manager: ['b.md'] } }, 0);
    const delivered = deliveredMail(path, ['000001-human-001']);
    expect(delivered('000000-manager-a.md', 'manager', 'a.md')).toBe(true);
    expect(delivered('000000-manager-b.md', 'manager', 'b.md')).toBe(false);
    expect(delivered('000001-human-001', 'human', '000001-001-manager.md')).toBe(true);
    expect(delivered('000001-human-002', 'human', '000001-002-manager.md')).toBe(false);
  });
});
