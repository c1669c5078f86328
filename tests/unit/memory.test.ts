import { describe, expect, test } from 'vitest';
import { formatMemory, parseMemoryFile, type Memory } from '../../src/memory/memory-file.js';
import { rankMemories, RECENCY_DECAY, scaled } from '../../src/memory/rank-memories.js';
import { formatRecalled, parseRecalled } from '../../src/memory/memory-access.js';
import { writeRecalled } from '../../src/memory/memory-stream.js';
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

  test("as Park et al.'s: each part min-max scaled over the candidates, weighed 0.5, 3 and 2 unless set otherwise", () => {
    expect(scaled([2, 4, 6])).toEqual([0, 0.5, 1]);
    expect(scaled([7, 7])).toEqual([0.5, 0.5]);
    const memories = [memory('old', 1, 'The supplier is Halvorsen Timber.', { importance: 6 }), memory('mid', 30, 'Tidied shed 4.', { importance: 9 }), memory('new', 59, 'Tidied shed 5 and the supplier list.', { importance: 1 })];
    const ranked = rankMemories(memories, { turn: 60, query: 'Who is the supplier?' });
    const byId = new Map(ranked.map((entry) => [entry.memory.id, entry]));
    // Importance 1..9 scaled: 6 is 5/8. Recency: the newest 1, the oldest 0. Relevance: the best 1, none 0.
    expect(byId.get('old')).toMatchObject({ recency: 0, importance: 5 / 8, relevance: 1 });
    expect(byId.get('mid')).toMatchObject({ importance: 1, relevance: 0 });
    expect(byId.get('new')?.recency).toBe(1);
    expect(byId.get('old')?.score).toBeCloseTo(3 + 2 * (5 / 8));
    expect(ranked[0]?.memory.id).toBe('old');
    // Weights from the settings: recency alone.
    expect(rankMemories(memories, { turn: 60, query: 'Who is the supplier?', weights: { recency: 1, relevance: 0, importance: 0 } })[0]?.memory.id).toBe('new');
    // Between the newest and the oldest, recency decays by RECENCY_DECAY a step before scaling.
    const three = rankMemories(memories, { turn: 60, query: '' });
    const low = RECENCY_DECAY ** 3;
    expect(three.find((entry) => entry.memory.id === 'mid')?.recency).toBeCloseTo((RECENCY_DECAY ** 2 - low) / (RECENCY_DECAY - low));
  });

  test('recency counts from when a memory was last recalled into a prompt, not from when it was written', () => {
    const memories = [memory('000001-001', 1, 'The supplier is Halvorsen Timber.'), ...Array.from({ length: 20 }, (_, index) => memory(`0000${10 + index}-001`, 10 + index, `Tidied shed ${index}.`))];
    const never = rankMemories(memories, { turn: 40, query: '', weights: { recency: 1, relevance: 0, importance: 0 } });
    expect(never.find((entry) => entry.memory.id === '000001-001')?.recency).toBe(0);
    // Recalled in turn 35: newer than anything written before 35, older than what turn 35 wrote.
    const lastAccess = (held: Memory): number | undefined => (held.id === '000001-001' ? 35 : undefined);
    const recalled = rankMemories(memories, { turn: 40, query: '', weights: { recency: 1, relevance: 0, importance: 0 }, lastAccess });
    expect(recalled[0]?.memory.id).toBe('000001-001');
    expect(rankMemories([...memories, memory('000035-001', 35, 'Written in 35.')], { turn: 40, query: '', weights: { recency: 1, relevance: 0, importance: 0 }, lastAccess }).map((entry) => entry.memory.id).slice(0, 2)).toEqual(['000035-001', '000001-001']);
  });

  test("a turn's recalled memories are a file of the turn, and only earlier turns' accesses count", () => {
    expect(parseRecalled(formatRecalled(['000001-001', '000007-006']))).toEqual(['000001-001', '000007-006']);
    const root = tempDir();
    writeMemories(root, 'ann', [memory('000001-001', 1, 'The supplier is Halvorsen Timber.'), memory('000002-001', 2, 'Tidied shed 1.')]);
    writeRecalled(root, 'ann', 5, ['000001-001']);
    expect(existsSync(join(root, 'agents/ann/memory/recalled/000005.md'))).toBe(true);
    const index = StreamIndex.of(root, 'ann').refresh();
    const first = index.memories()[0] as Memory;
    expect(index.accesses.lastAccessBefore(6)(first)).toBe(5);
    expect(index.accesses.lastAccessBefore(5)(first)).toBeUndefined();
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
      const first = recallFor(root, 'ann', settings, 5, ['the vault']).memories.map((held) => held.id);
      recallFor(root, 'bob', settings, 5, ['the vault']);
      recallFor(root, 'cy', settings, 5, ['the vault']);
      // ann's index was let go for bob's and cy's, and saved as it went.
      expect(existsSync(join(root, 'org/state/cache/memory/ann.json'))).toBe(true);
      expect(recallFor(root, 'ann', settings, 5, ['the vault']).memories.map((held) => held.id)).toEqual(first);
      expect(first.length).toBeGreaterThan(0);
    } finally {
      StreamIndex.keepAtMost();
    }
  });
});
