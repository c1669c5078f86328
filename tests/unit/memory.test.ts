import { describe, expect, test } from 'vitest';
import { formatMemory, parseMemoryFile, type Memory } from '../../src/memory/memory-file.js';
import { rankMemories } from '../../src/memory/rank-memories.js';
import { parseInsights } from '../../src/memory/reflection.js';
import { reflectionDue } from '../../src/memory/reflection.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StreamIndex } from '../../src/memory/memory-index.js';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { recallFor } from '../../src/memory/memory-layer.js';
import { tempDir } from '../helpers/temp-dirs.js';

const memory = (id: string, turn: number, text: string, extra: Partial<Memory> = {}): Memory => ({ id, turn, kind: 'observation', importance: 5, sources: [], text, ...extra });

describe('a memory file', () => {
  test('round-trips: the same memory is the same bytes, and reads back as it was', () => {
    const written = memory('000012-003', 12, 'human wrote to me: "Ship it: \\"now\\"" — ✓', { kind: 'plan', importance: 7, sources: ['000011-human-001', 'agents/keeper/memory/task-ship.md'] });
    const text = formatMemory(written);
    expect(text).toBe(formatMemory(written));
    expect(text.startsWith('---\nid: 000012-003\nturn: 12\nkind: plan\nimportance: 7\n')).toBe(true);
    expect(parseMemoryFile(text, '000012-003-plan.md')).toEqual({ memory: written });
  });

  test('a file a person wrote is read whatever its front matter lacks; one that cannot be read says why', () => {
    expect(parseMemoryFile('Just a line I want it to keep.\n', '000003-001-observation.md')).toEqual({ memory: memory('000003-001', 3, 'Just a line I want it to keep.') });
    expect(parseMemoryFile('---\nkind: reflection\nimportance: 9\nsources: [a, b]\n---\nA thought.\n', 'mine.md')).toEqual({ memory: memory('mine', 0, 'A thought.', { kind: 'reflection', importance: 9, sources: ['a', 'b'] }) });
    const broken = parseMemoryFile('---\nimportance: [\n---\nx\n', 'x.md');
    expect('error' in broken).toBe(true);
    const wrongKind = parseMemoryFile('---\nkind: dream\n---\nx\n', 'x.md');
    expect('error' in wrongKind && wrongKind.error).toMatch(/kind.*observation, reflection or plan/);
  });
});

describe('retrieval', () => {
  test('ranks by recency, importance and relevance; relevance wins over a merely recent memory', () => {
    const memories = [memory('a', 1, 'The vault code is cobalt-417.', { importance: 4 }), ...Array.from({ length: 50 }, (_, index) => memory(`b${index}`, 10 + index, `Tidied shed ${index}.`, { importance: 4 }))];
    const ranked = rankMemories(memories, { turn: 61, query: 'What is the vault code?' });
    expect(ranked[0]?.memory.id).toBe('a');
    // Without a query, the most recent come first.
    expect(rankMemories(memories, { turn: 61, query: '' })[0]?.memory.id).toBe('b49');
    // Never a memory of this turn or later.
    expect(rankMemories([memory('now', 61, 'vault code')], { turn: 61, query: 'vault code' })).toEqual([]);
  });
});

describe('reflection', () => {
  test('an insight keeps only the sources it was shown; one that cites none of them is dropped', () => {
    const text = ['- The garden takes most of my time (because of 000003-001, 000004-001, 999999-999)', '- I invent things (because of 123456-789)', 'Not an insight at all.'].join('\n');
    expect(parseInsights(text, new Set(['000003-001', '000004-001']))).toEqual([{ text: 'The garden takes most of my time', sources: ['000003-001', '000004-001'] }]);
  });

  test('is due every N turns, or once the importance since the last passes the threshold', () => {
    const since = [memory('1', 1, 'x', { importance: 6 }), memory('2', 2, 'y', { importance: 6 })];
    expect(reflectionDue(since, 3, { every: 5, importance: 0 })).toBe(false);
    expect(reflectionDue(since, 5, { every: 5, importance: 0 })).toBe(true);
    expect(reflectionDue(since, 3, { every: 0, importance: 12 })).toBe(true);
    expect(reflectionDue(since, 3, { every: 0, importance: 13 })).toBe(false);
    // Nothing new since the last reflection: nothing to reflect on.
    expect(reflectionDue([...since, memory('r', 4, 'z', { kind: 'reflection' })], 10, { every: 5, importance: 1 })).toBe(false);
  });
});

describe('the indexes a process keeps', () => {
  test('past their bound, the least used are saved and let go, and read back the same', () => {
    const root = tempDir();
    const settings = { budgetTokens: 400, reflect: { every: 0, importance: 0 }, weights: { recency: 0.5, relevance: 3, importance: 2 } };
    for (const agent of ['ann', 'bob', 'cy']) {
      writeMemories(root, agent, Array.from({ length: 30 }, (_, index) => memory(`000001-${String(index + 1).padStart(3, '0')}`, 1, `${agent} filed note ${index} about the ${index % 2 ? 'ferry' : 'vault'}.`)));
    }
    StreamIndex.keepAtMost(40);
    try {
      const first = recallFor(root, 'ann', settings, 5, 'the vault').memories.map((held) => held.id);
      recallFor(root, 'bob', settings, 5, 'the vault');
      recallFor(root, 'cy', settings, 5, 'the vault');
      // ann's index was let go for bob's and cy's, and saved as it went.
      expect(existsSync(join(root, 'org/state/cache/memory/ann.json'))).toBe(true);
      expect(recallFor(root, 'ann', settings, 5, 'the vault').memories.map((held) => held.id)).toEqual(first);
      expect(first.length).toBeGreaterThan(0);
    } finally {
      StreamIndex.keepAtMost();
    }
  });
});
