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
import { existsSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { padTurn } from '../mailbox/message.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { formatMemory, MEMORY_TEXT_CHARS, parseMemoryFile, type Memory } from './memory-file.js';
import { StreamIndex } from './memory-index.js';
import { streamFolder } from './memory-paths.js';
import { readRegularFile } from '../storage/read-regular-file.js';
import { MAX_MEMORY_BYTES } from './stream-walk.js';
import { vectorFile } from './memory-vectors.js';

/** The most memories whose gist a consolidation keeps in its text, the most important first. */
const GIST_MEMORIES = 5;
const GIST_CHARS = 160;
const GIST_START = ' What mattered most in them: ';
const GIST_SEPARATOR = ' | ';

/** The name of a turn's consolidation: not one of the names a turn's own memories take (`<turn>-<nnn>-<kind>.md`). */
export function consolidationName(turn: number): string {
  return `${padTurn(turn)}-c01-reflection.md`;
}

/** An agent's stream's bounds (org.yaml `memory.max_memories`, `memory.max_bytes`): either, both, or a count alone. */
export interface Ceiling {
  memories?: number;
  /** The most bytes its memory files hold together, as lemming writes them. */
  bytes?: number;
}

/** A memory's bytes as its file holds them when lemming wrote it. Pure. */
export function memoryBytes(memory: Memory): number {
  return Buffer.byteLength(formatMemory(memory));
}

/**
 * What consolidating a stream (memories in file-name order, the oldest first) under its ceiling takes:
 * the oldest observations of earlier turns, as many as bring the stream, the consolidation included,
 * back within the count and the bytes; undefined when it is within them, or fewer than two could be taken. Pure.
 */
export function planConsolidation(memories: readonly Memory[], bound: number | Ceiling, turn: number): { taken: Memory[]; memory: Memory } | undefined {
  const ceiling = typeof bound === 'number' ? { memories: bound } : bound;
  const over = ceiling.memories === undefined ? 0 : memories.length - ceiling.memories;
  const sizes = ceiling.bytes === undefined ? undefined : new Map(memories.map((memory) => [memory, memoryBytes(memory)]));
  const total = sizes ? [...sizes.values()].reduce((sum, size) => sum + size, 0) : 0;
  const overBytes = ceiling.bytes !== undefined && total > ceiling.bytes;
  if (over <= 0 && !overBytes) return undefined;
  // Observations first, the oldest first; then, when they are not enough, the oldest of the rest (earlier consolidations among them, whose gist carries on).
  const earlier = memories.filter((memory) => memory.turn < turn);
  const ordered = [...earlier.filter((memory) => memory.kind === 'observation'), ...earlier.filter((memory) => memory.kind !== 'observation')];
  let count = Math.max(2, over + 1);
  for (;;) {
    const taken = ordered.slice(0, count);
    if (taken.length < 2) return undefined;
    const memory = consolidation(taken, ceiling, turn);
    // By bytes, one more is taken until what is left and the consolidation fit (a consolidation is some 1 KB; a memory some 0.4).
    const left = sizes ? total - taken.reduce((sum, item) => sum + (sizes.get(item) ?? 0), 0) + memoryBytes(memory) : 0;
    if (ceiling.bytes === undefined || left <= ceiling.bytes || count >= ordered.length) return { taken, memory };
    count += 1;
  }
}

/** The one reflection `taken` are consolidated into. Pure. */
function consolidation(taken: readonly Memory[], ceiling: Ceiling, turn: number): Memory {
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
  const within = [...(ceiling.memories === undefined ? [] : [`${ceiling.memories} memories`]), ...(ceiling.bytes === undefined ? [] : [`${ceiling.bytes} bytes`])].join(' and ');
  const text = `I consolidated ${taken.length} older memories (turns ${first} to ${last}) to keep within ${within}.${GIST_START}${gist.join(GIST_SEPARATOR)}`;
  return {
    id: `${padTurn(turn)}-c01`,
    turn,
    kind: 'reflection',
    importance: Math.max(1, ...taken.map((memory) => memory.importance)),
    sources: taken.map((memory) => memory.id),
    text: text.length <= MEMORY_TEXT_CHARS ? text : `${text.slice(0, MEMORY_TEXT_CHARS - 1)}…`,
  };
}

/** Keep an agent's stream within `max` memories after `turn`'s were written (see above). Returns how many memories were consolidated. */
export function keepWithinCeiling(root: string, agent: string, turn: number, max: number | Ceiling): number {
  const folder = streamFolder(root, agent);
  const name = consolidationName(turn);
  const index = StreamIndex.of(root, agent).refresh();
  const path = join(folder, name);
  // The folder's time before the consolidation is written and its memories removed: the index is told what changed, and lists nothing (memory-index.ts, wrote).
  const before = statSync(folder, { throwIfNoEntry: false })?.mtimeMs;
  let written: Array<{ name: string; memory: Memory }> = [];
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
    written = [{ name, memory: plan.memory }];
  }
  const doomed = new Set(named);
  const removed: string[] = [];
  for (const memory of index.memories()) {
    const file = index.fileOf(memory);
    if (!doomed.has(memory.id) || file === undefined || file === name) continue;
    try {
      unlinkSync(join(folder, file));
      removed.push(file);
    } catch {
      // Already gone: removed by the attempt a crash interrupted.
    }
  }
  index.wrote(written, before, statSync(folder).mtimeMs, removed);
  // Their vectors (memory-vectors.ts) go with them, those of files an interrupted attempt removed too: a stream within its ceiling keeps its vectors within it.
  for (const id of doomed) {
    const vector = vectorFile(root, agent, { id });
    if (vector !== undefined) rmSync(vector, { force: true });
  }
  return removed.length;
}
