/**
 * A ceiling on an agent's stream (org.yaml `memory.max_memories`): once a turn's memories take it past
 * the bound, its oldest observations (and, when they are not enough, its oldest other memories of
 * earlier turns, earlier consolidations among them) are consolidated into one reflection of that turn, which names
 * them as its sources and keeps the gist of the most important, and their files are removed. By a
 * rule, not a model: the same stream always consolidates the same way, so a replay and a fork do.
 * Exactly once: the consolidation is written first, under a name a turn applied again does not remove
 * (`<turn>-c01-reflection.md`); a turn applied again after a crash finds it and only finishes removing
 * what it names.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { padTurn } from '../mailbox/message.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { formatMemory, MEMORY_TEXT_CHARS, parseMemoryFile, type Memory } from './memory-file.js';
import { StreamIndex } from './memory-index.js';
import { streamFolder } from './memory-paths.js';
import { readRegularFile } from '../mailbox/read-regular-file.js';
import { MAX_MEMORY_BYTES } from './stream-walk.js';

/** The most memories whose gist a consolidation keeps in its text, the most important first. */
const GIST_MEMORIES = 5;
const GIST_CHARS = 160;
const GIST_START = ' What mattered most in them: ';
const GIST_SEPARATOR = ' | ';

/** The name of a turn's consolidation: not one of the names a turn's own memories take (`<turn>-<nnn>-<kind>.md`). */
export function consolidationName(turn: number): string {
  return `${padTurn(turn)}-c01-reflection.md`;
}

/**
 * What consolidating a stream (memories in file-name order, the oldest first) under `max` takes: the
 * oldest observations of earlier turns, as many as bring the stream, the consolidation included, back
 * to `max`; undefined when it is within the bound, or fewer than two could be taken. Pure.
 */
export function planConsolidation(memories: readonly Memory[], max: number, turn: number): { taken: Memory[]; memory: Memory } | undefined {
  const over = memories.length - max;
  if (over <= 0) return undefined;
  // Observations first, the oldest first; then, when they are not enough, the oldest of the rest (earlier consolidations among them, whose gist carries on).
  const earlier = memories.filter((memory) => memory.turn < turn);
  const taken = [...earlier.filter((memory) => memory.kind === 'observation'), ...earlier.filter((memory) => memory.kind !== 'observation')].slice(0, over + 1);
  if (taken.length < 2) return undefined;
  const first = taken[0]?.turn ?? 0;
  const last = taken.at(-1)?.turn ?? 0;
  // An earlier consolidation lends its own gist, not its preamble: what mattered stays what mattered.
  const items = taken.flatMap((memory) => {
    const lent = memory.id.endsWith('-c01') ? memory.text.split(GIST_START)[1]?.split(GIST_SEPARATOR) : undefined;
    return (lent ?? [memory.text]).map((text) => ({ text, importance: memory.importance, turn: memory.turn }));
  });
  const gist = items
    .sort((left, right) => right.importance - left.importance || left.turn - right.turn)
    .slice(0, GIST_MEMORIES)
    .map((item) => (item.text.length <= GIST_CHARS ? item.text : `${item.text.slice(0, GIST_CHARS - 1)}…`));
  const text = `I consolidated ${taken.length} older memories (turns ${first} to ${last}) to keep within ${max} memories.${GIST_START}${gist.join(GIST_SEPARATOR)}`;
  return {
    taken,
    memory: {
      id: `${padTurn(turn)}-c01`,
      turn,
      kind: 'reflection',
      importance: Math.max(1, ...taken.map((memory) => memory.importance)),
      sources: taken.map((memory) => memory.id),
      text: text.length <= MEMORY_TEXT_CHARS ? text : `${text.slice(0, MEMORY_TEXT_CHARS - 1)}…`,
    },
  };
}

/** Keep an agent's stream within `max` memories after `turn`'s were written (see above). Returns how many memories were consolidated. */
export function keepWithinCeiling(root: string, agent: string, turn: number, max: number): number {
  const folder = streamFolder(root, agent);
  const name = consolidationName(turn);
  const index = StreamIndex.of(root, agent).refresh();
  const path = join(folder, name);
  let named: string[];
  if (existsSync(path)) {
    // Applied again after a crash: what it names is what goes, nothing else is weighed again.
    const read = readRegularFile(path, MAX_MEMORY_BYTES);
    const parsed = 'text' in read ? parseMemoryFile(read.text, name) : undefined;
    named = parsed && 'memory' in parsed ? parsed.memory.sources : [];
  } else {
    const plan = planConsolidation(index.memories(), max, turn);
    if (!plan) return 0;
    writeFileAtomic(path, formatMemory(plan.memory));
    named = plan.memory.sources;
  }
  const doomed = new Set(named);
  let removed = 0;
  for (const memory of index.memories()) {
    const file = index.fileOf(memory);
    if (!doomed.has(memory.id) || file === undefined || file === name) continue;
    try {
      unlinkSync(join(folder, file));
      removed += 1;
    } catch {
      // Already gone: removed by the attempt a crash interrupted.
    }
  }
  return removed;
}
