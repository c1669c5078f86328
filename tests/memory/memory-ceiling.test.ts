import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { consolidationName, keepWithinCeiling, memoryBytes, planConsolidation } from '../../src/memory/memory-ceiling.js';
import { vectorFolder, writeVector } from '../../src/memory/memory-vectors.js';
import { formatMemory, type Memory } from '../../src/memory/memory-file.js';
import { streamFolder } from '../../src/memory/memory-paths.js';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { humanSendsAll, memoryOrg, runToIdleHere, streamFiles } from '../helpers/memory-org.js';
import { tempDir } from '../helpers/temp-dirs.js';

const observation = (turn: number, place: number, text: string, importance = 4): Memory => ({ id: `${String(turn).padStart(6, '0')}-00${place}`, turn, kind: 'observation', importance, sources: [], text });

describe('a ceiling on an agent\'s memories (org.yaml memory.max_memories)', () => {
  test('a run of 16 messages keeps the keeper\'s stream within 10 memories, the oldest consolidated into reflections that name them and keep the gist of what mattered; run again from scratch, the same files', async () => {
    const streams: Array<Record<string, string>> = [];
    for (let run = 0; run < 2; run += 1) {
      const root = memoryOrg({ memory: '{ keep: true, max_memories: 10, reflect: { every: 0, importance: 0 } }', maxMessages: 1 });
      humanSendsAll(root, [{ subject: 'Launch code', body: 'For the record: the launch code is amber-417.' }, ...Array.from({ length: 15 }, (_, index) => ({ subject: `Shelf ${index + 1}`, body: `Please tidy shelf ${index + 1}.` }))]);
      await runToIdleHere(root);
      streams.push(streamFiles(root));
    }
    const [first = {}, second = {}] = streams;
    expect(Object.keys(first).length).toBeLessThanOrEqual(10);
    const consolidations = Object.entries(first).filter(([name]) => /-c01-reflection\.md$/.test(name));
    expect(consolidations.length).toBeGreaterThan(0);
    // Every memory a consolidation names is gone from the stream; the fact of turn 1 lives on in one's text.
    const ids = new Set(Object.keys(first).map((name) => name.replace(/-(observation|reflection|plan)\.md$/, '')));
    for (const [, text] of consolidations) for (const source of /\nsources: "?([^"\n]*)"?\n/.exec(text)?.[1]?.split(', ') ?? []) expect(ids.has(source)).toBe(false);
    expect(Object.values(first).some((text) => text.includes('amber-417'))).toBe(true);
    expect(second).toEqual(first);
  });

  test('a turn applied again after a crash finishes the consolidation it began, and weighs nothing again', () => {
    const root = tempDir();
    const memories = [observation(1, 1, 'The code is amber-417.', 8), observation(2, 1, 'Tidy shelf 1.'), observation(3, 1, 'Tidy shelf 2.'), observation(4, 1, 'Tidy shelf 3.'), observation(5, 1, 'Tidy shelf 4.')];
    writeMemories(root, 'keeper', memories);
    const plan = planConsolidation(memories, 3, 6);
    expect(plan?.taken.map((memory) => memory.id)).toEqual(['000001-001', '000002-001', '000003-001']);
    expect(plan?.memory.text).toContain('The code is amber-417.');
    // The attempt a crash interrupted: the consolidation written, one of the three removed.
    const folder = streamFolder(root, 'keeper');
    writeFileSync(join(folder, consolidationName(6)), formatMemory(plan?.memory as Memory));
    unlinkSync(join(folder, '000001-001-observation.md'));
    expect(keepWithinCeiling(root, 'keeper', 6, 3)).toBe(2);
    expect(readdirSync(folder).sort()).toEqual(['000004-001-observation.md', '000005-001-observation.md', '000006-c01-reflection.md']);
    // Within the bound: nothing more.
    expect(keepWithinCeiling(root, 'keeper', 7, 3)).toBe(0);
  });

  test('memory.max_bytes: the oldest are consolidated until the files, the consolidation included, fit the bytes; their vectors go with them', () => {
    const root = tempDir();
    const memories = Array.from({ length: 12 }, (_, index) => observation(index + 1, 1, `Tidy shelf ${index + 1} of the storeroom, then write down what was on it. `.repeat(4), index === 0 ? 9 : 4));
    writeMemories(root, 'keeper', memories);
    for (const memory of memories) writeVector(root, 'keeper', memory, 'toy-embed', { vector: [1, 0] });
    const total = memories.reduce((sum, memory) => sum + memoryBytes(memory), 0);
    const bytes = Math.floor(total * 0.6);
    const plan = planConsolidation(memories, { bytes }, 13);
    const left = memories.filter((memory) => !plan?.taken.includes(memory));
    expect(left.reduce((sum, memory) => sum + memoryBytes(memory), 0) + memoryBytes(plan?.memory as Memory)).toBeLessThanOrEqual(bytes);
    // The fewest that do: one fewer would not fit.
    const oneFewer = memories.filter((memory) => !plan?.taken.slice(0, -1).includes(memory));
    expect(oneFewer.reduce((sum, memory) => sum + memoryBytes(memory), 0) + memoryBytes(plan?.memory as Memory)).toBeGreaterThan(bytes);
    expect(plan?.memory.text).toContain(`to keep within ${bytes} bytes`);

    const removed = keepWithinCeiling(root, 'keeper', 13, { bytes });
    expect(removed).toBe(plan?.taken.length);
    const kept = readdirSync(streamFolder(root, 'keeper')).sort();
    expect(kept.map((name) => name.slice(0, 10))).toEqual([...left.map((memory) => memory.id), '000013-c01']);
    expect(readdirSync(vectorFolder(root, 'keeper')).sort()).toEqual(left.map((memory) => `${memory.id}.json`));
    // Within the bytes: nothing more.
    expect(keepWithinCeiling(root, 'keeper', 14, { bytes })).toBe(0);
  });
});
