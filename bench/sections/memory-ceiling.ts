import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { alternateTurns, buildJobOrg, memoryProbe, type BenchContext } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';
import type { Job } from '../worker.js';

const WARM_UP = 1;
const MEASURED = 3;

/** The orgs measured: agents, and the memories each stream holds, at its ceiling (`memory.max_memories`). */
const SHAPES: ReadonlyArray<{ agents: number; memories: number; quick: boolean }> = [
  { agents: 1000, memories: 100, quick: true },
  { agents: 1000, memories: 500, quick: false },
  { agents: 10_000, memories: 50, quick: false },
];

/** The memory files' bytes as written (apparent) and as the file system holds them (blocks), and their count. */
function memoryBytes(root: string): { files: number; bytes: number; allocated: number } {
  let files = 0;
  let bytes = 0;
  let allocated = 0;
  const agents = join(root, 'agents');
  for (const agent of readdirSync(agents)) {
    const stream = join(agents, agent, 'memory', 'stream');
    let names: string[];
    try {
      names = readdirSync(stream);
    } catch {
      continue;
    }
    for (const name of names) {
      const stat = statSync(join(stream, name));
      files += 1;
      bytes += stat.size;
      allocated += stat.blocks * 512;
    }
  }
  return { files, bytes, allocated };
}

/**
 * What memory costs a turn with the ceiling in force (org.yaml `memory.max_memories`, docs/memory.md):
 * every stream full at its ceiling, so each turn's two new memories make each agent consolidate its
 * oldest; at 1,000 agents × 100 and × 500 memories and 10,000 × 50, on the disk. Per memory: its bytes
 * on disk, and a retrieval's time per 100 memories, so larger orgs can be planned.
 */
export function memoryCeiling(context: BenchContext): Row[] {
  const storage = context.storages.find((candidate) => candidate.name === 'disk') ?? context.storages[0];
  if (!storage) return [];
  const rows: Row[] = [];
  for (const shape of SHAPES.filter((candidate) => candidate.quick || !context.quick)) {
    const job: Job = { agents: shape.agents, history: 0, withMail: shape.agents, provider: 'instant', turns: WARM_UP + MEASURED };
    const label = `N=${shape.agents.toLocaleString('en-US')} × ${shape.memories} memories (max_memories: ${shape.memories})`;
    const started = performance.now();
    const roots: [string, string] = [buildJobOrg(job, storage), buildJobOrg({ ...job, memories: shape.memories, maxMemories: shape.memories }, storage)];
    const builtMs = performance.now() - started;
    try {
      const disk = memoryBytes(roots[1]);
      const probe = memoryProbe({ ...job, memories: shape.memories }, roots[1], storage);
      const later = figure(probe.laterMs);
      const result = alternateTurns(job, roots, storage);
      const without = figure(result.first.slice(WARM_UP));
      const kept = figure(result.second.slice(WARM_UP));
      const first = result.second[0] ?? 0;
      rows.push({ what: `memory files on disk, ${label}: ${disk.files.toLocaleString('en-US')} files, bytes as written`, storage: storage.name, figure: { mb: disk.bytes / 1e6 } });
      rows.push({ what: `a memory on disk, ${label} (bytes as written; as allocated: ${Math.round(disk.allocated / Math.max(1, disk.files))})`, storage: storage.name, figure: { count: Math.round(disk.bytes / Math.max(1, disk.files)), unit: 'bytes' } });
      rows.push({ what: `retrieval per 100 memories, ${label} (a later call's, its index in the process; median of 20 agents)`, storage: storage.name, figure: { ms: { ...later, median: later.median / (shape.memories / 100), min: later.min / (shape.memories / 100), max: later.max / (shape.memories / 100) } } });
      rows.push({ what: `a process's first turn, ${label} (every stream read from its files, a turn's consolidation included)`, storage: storage.name, figure: { ms: figure([first]) } });
      rows.push({ what: `steady turn, ${label}, no memory`, storage: storage.name, figure: { ms: without } });
      rows.push({ what: `steady turn, ${label}, memory kept at its ceiling (each call: retrieval, two memories written, the oldest consolidated)`, storage: storage.name, figure: { ms: kept } });
      rows.push({ what: `memory's cost a call, ${label} ((kept − none) / N, median turns)`, storage: storage.name, figure: { ms: figure([(kept.median - without.median) / shape.agents]) } });
      rows.push({ what: `peak RSS of the process running both orgs, ${label}`, figure: { mb: result.peakRssMb } });
      context.log(`  ${label}: built in ${(builtMs / 1000).toFixed(0)} s; ${disk.files} files, ${(disk.bytes / 1e6).toFixed(0)} MB (${(disk.allocated / 1e6).toFixed(0)} MB allocated); retrieval ${later.median.toFixed(2)} ms; first turn ${first.toFixed(0)} ms; steady ${without.median.toFixed(0)} → ${kept.median.toFixed(0)} ms; RSS ${result.peakRssMb.toFixed(0)} MB`);
    } finally {
      for (const folder of roots) rmSync(folder, { recursive: true, force: true });
    }
  }
  return rows;
}
