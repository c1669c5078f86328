import fs, { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import type { Memory } from '../../src/memory/memory-file.js';
import { streamFolder } from '../../src/memory/memory-paths.js';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { memoryOrg, recalledFiles } from '../helpers/memory-org.js';

/*
 * What a steady turn costs an agent's memory stream, counted in the calls that touch its files (one
 * lstat a file listed, one open a file read), not timed: a turn reads what changed, not the stream.
 */

const FS_CALLS = ['lstatSync', 'statSync', 'openSync', 'readdirSync'] as const;
type Counts = Record<(typeof FS_CALLS)[number], number>;

/** The file-system calls `work` makes, by kind (the named exports the source imports, counted through node:module's sync). */
async function counted(work: () => Promise<void>): Promise<Counts> {
  const counts = Object.fromEntries(FS_CALLS.map((name) => [name, 0])) as Counts;
  const originals = FS_CALLS.map((name) => [name, fs[name]] as const);
  const patched = fs as unknown as Record<string, unknown>;
  for (const [name, original] of originals) {
    patched[name] = (...args: unknown[]) => {
      counts[name] += 1;
      return (original as (...inner: unknown[]) => unknown)(...args);
    };
  }
  syncBuiltinESMExports();
  try {
    await work();
  } finally {
    for (const [name, original] of originals) patched[name] = original;
    syncBuiltinESMExports();
  }
  return counts;
}

const chore = (index: number): Memory => ({ id: `000000-${String(index + 1).padStart(3, '0')}`, turn: 0, kind: 'observation', importance: 3, sources: [], text: `Filed chore ${index} about shelf ${index % 7}.` });

/** The keeper's org with a stream of `size` memories, kept at that size by its ceiling (every turn consolidates), and the counts of two steady turns. */
async function steadyTurns(size: number): Promise<{ root: string; engine: Engine; turns: Counts[] }> {
  const root = memoryOrg({ memory: `{ keep: true, max_memories: ${size}, reflect: { every: 0, importance: 0 } }`, maxMessages: 1 });
  writeMemories(root, 'keeper', Array.from({ length: size }, (_, index) => chore(index)));
  const engine = Engine.open({ root });
  const turn = async (subject: string): Promise<void> => {
    sendAsHuman(root, engine.currentOrg, { to: 'keeper', subject, body: `Please tidy the ${subject.toLowerCase()}.` });
    for await (const event of engine.turn()) if (event.type === 'agent-error') throw new Error(event.message);
  };
  // The first turn of the process lists the stream; the next ones are the steady turns counted.
  await turn('Shelf');
  const turns = [await counted(() => turn('Lamp')), await counted(() => turn('Door'))];
  return { root, engine, turns };
}

/**
 * The first turn of a new process (lemming's modules loaded afresh: no index held) after a run left
 * the keeper's stream at `size` memories, counted.
 */
async function firstTurnOfAProcess(size: number): Promise<Counts> {
  const { root, engine } = await steadyTurns(size);
  engine.close();
  vi.resetModules();
  const fresh = {
    Engine: (await import('../../src/engine/engine.js')).Engine,
    sendAsHuman: (await import('../../src/engine/human/send-as-human.js')).sendAsHuman,
  };
  const next = fresh.Engine.open({ root });
  try {
    fresh.sendAsHuman(root, next.currentOrg, { to: 'keeper', subject: 'Window', body: 'Please clean the window.' });
    return await counted(async () => {
      for await (const event of next.turn()) if (event.type === 'agent-error') throw new Error(event.message);
    });
  } finally {
    next.close();
  }
}

describe('a steady turn reads what changed in a stream, not the stream', () => {
  test('the same file-system calls a turn at 50 memories and at 500, each turn consolidating; a memory a person adds is still recalled', async () => {
    const small = await steadyTurns(50);
    small.engine.close();
    const large = await steadyTurns(500);
    try {
      // Files looked at and files opened, the same; a folder listed or stat'ed may differ by the engine's timing (a folder whose time moved in the same tick), never by the stream.
      const filesTouched = (turns: Counts[]) => turns.map((counts) => ({ lstat: counts.lstatSync, open: counts.openSync }));
      expect(filesTouched(large.turns)).toEqual(filesTouched(small.turns));
      expect(large.turns[1]?.lstatSync).toBeLessThan(50);
      for (const counts of large.turns) expect(counts.readdirSync + counts.statSync).toBeLessThan(50);

      // A person adds a memory of their own between two turns: the folder changed, it is listed, and the next prompt recalls it.
      writeFileSync(join(streamFolder(large.root, 'keeper'), 'mine.md'), '---\nimportance: 9\n---\nThe spare vault key hangs behind the clock.\n');
      sendAsHuman(large.root, large.engine.currentOrg, { to: 'keeper', subject: 'Key', body: 'Where is the spare vault key?' });
      for await (const event of large.engine.turn()) if (event.type === 'agent-error') throw new Error(event.message);
      const files = recalledFiles(large.root);
      const last = Object.keys(files).sort().at(-1) ?? '';
      expect(files[last]?.split('\n')[0]).toBe('mine');
    } finally {
      large.engine.close();
    }
  });

  test('the first turn of a new process after a run: the same file-system calls at 50 memories and at 500, the index the run kept taken as it is', async () => {
    const small = await firstTurnOfAProcess(50);
    const large = await firstTurnOfAProcess(500);
    expect({ lstat: large.lstatSync, open: large.openSync }).toEqual({ lstat: small.lstatSync, open: small.openSync });
    expect(large.lstatSync).toBeLessThan(100);
  });
});
