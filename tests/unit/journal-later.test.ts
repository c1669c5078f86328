import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { appendJournal, appendJournalLater, closeJournal, flushJournal, removeJournal, repairJournal, type JournalRecord } from '../../src/engine/record/journal.js';
import { tempDir } from '../helpers/org-files.js';

const done = (agent: string): JournalRecord => ({ type: 'done', turn: 3, outcome: { agent, read: [], newMail: [], humanNotices: [], activity: 'sent 1' } });
const response = (agent: string): JournalRecord => ({
  type: 'response',
  turn: 3,
  agent,
  receivedAt: '2026-11-22T10:00:00.000Z',
  response: { text: '', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1, estimated: false }, modelKey: 'm' },
});
const onDisk = (path: string): string[] => {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((line) => {
      const record = JSON.parse(line) as JournalRecord;
      return `${record.type}:${record.type === 'done' ? record.outcome.agent : 'agent' in record ? record.agent : ''}`;
    });
  } catch {
    return [];
  }
};

describe('the turn journal', () => {
  test("an agent's done record waits for the next record written now, and goes out before it", () => {
    const path = join(tempDir(), 'journal.jsonl');
    appendJournal(path, response('a'));
    appendJournalLater(path, done('a'));
    appendJournalLater(path, done('b'));
    // A crash here loses the two done records, never the response: recovery applies it again.
    expect(onDisk(path)).toEqual(['response:a']);
    appendJournal(path, response('c'));
    expect(onDisk(path)).toEqual(['response:a', 'done:a', 'done:b', 'response:c']);
    appendJournalLater(path, done('c'));
    flushJournal(path);
    expect(onDisk(path)).toEqual(['response:a', 'done:a', 'done:b', 'response:c', 'done:c']);
    expect(repairJournal(path)).toHaveLength(5);
    removeJournal(path);
  });

  test('a journal closed with records waiting keeps them (a stopped turn is finished by the next run)', () => {
    const path = join(tempDir(), 'journal.jsonl');
    appendJournal(path, response('a'));
    appendJournalLater(path, done('a'));
    closeJournal(path);
    expect(onDisk(path)).toEqual(['response:a', 'done:a']);
  });

  test('records waiting when the turn commits are dropped with the journal, not written into the next one', () => {
    const path = join(tempDir(), 'journal.jsonl');
    appendJournal(path, response('a'));
    appendJournalLater(path, done('a'));
    removeJournal(path);
    appendJournal(path, response('b'));
    expect(onDisk(path)).toEqual(['response:b']);
    removeJournal(path);
  });
});
