import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { consolidationName, keepWithinCeiling, planConsolidation } from '../../src/memory/memory-ceiling.js';
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
});
