import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSystemFloor, type Floor } from './fs-floor.js';
import { recordFloor } from './record-floor.js';
import type { AlternateResult, Job, JobResult, MemoryProbe } from './worker.js';
import type { Figure } from './stats.js';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cli = join(repo, 'dist', 'cli', 'main.js');
const worker = join(repo, 'dist-bench', 'bench', 'worker.js');

/** Where orgs are built: the project's disk, and a RAM disk where there is one. */
export interface Storage {
  name: 'RAM disk' | 'disk';
  directory: string;
}

/** What every section of the benchmark is given. */
export interface BenchContext {
  /** `--quick`: the common rows only (up to 1,000 agents, no million-message orgs). */
  quick: boolean;
  /** The RAM disk first, when there is one: it leaves the engine's own cost. */
  storages: Storage[];
  /** The file system's floor for N folders on a storage, measured once per run and kept. */
  floor(storage: Storage, folders: number): Floor;
  /** The engine's own file operations for a steady turn of N agents, with no engine (record-floor.ts), measured once per run and kept. */
  recordFloor(storage: Storage, agents: number): Figure;
  log(line: string): void;
  /** `--repetitions N`: how many times a section that interleaves runs repeats them (its own default when absent). */
  repetitions?: number;
}

export function makeContext(quick: boolean, log: (line: string) => void, repetitions?: number): BenchContext {
  // Orgs are built inside the repository, not in the system temp folder: on this machine
  // file creation under /tmp is often many times slower than elsewhere on the same disk.
  const disk: Storage = { name: 'disk', directory: process.env.LEMMING_BENCH_DIR ?? join(repo, 'bench', '.work') };
  const storages: Storage[] = existsSync('/dev/shm') ? [{ name: 'RAM disk', directory: join('/dev/shm', `lemming-bench-${process.pid}`) }, disk] : [disk];
  for (const storage of storages) mkdirSync(storage.directory, { recursive: true });
  // Each floor is measured once per run for a storage and a size, and kept. Fewer runs for big N:
  // on a busy disk 10,000 files can take many seconds a run.
  const kept = new Map<string, unknown>();
  const once = <T>(what: string, storage: Storage, size: number, measure: (runs: number) => T): T => {
    const key = `${what}:${storage.name}:${size}`;
    if (!kept.has(key)) kept.set(key, measure(size >= 5000 ? 3 : 5));
    return kept.get(key) as T;
  };
  return {
    quick,
    storages,
    log,
    ...(repetitions === undefined ? {} : { repetitions }),
    floor: (storage, folders) => once('files', storage, folders, (runs) => fileSystemFloor(storage.directory, folders, runs)),
    recordFloor: (storage, agents) => once('record', storage, agents, (runs) => recordFloor(storage.directory, agents, runs)),
  };
}

/** Disk use of a folder (`du -sk`: what the files take on the storage), in MB; `exclude` a folder inside it. */
export function diskMb(folder: string, exclude?: string): number {
  const args = ['-sk', ...(exclude ? [`--exclude=${exclude}`] : []), folder];
  return Number(execFileSync('du', args, { encoding: 'utf8' }).split('\t')[0]) / 1024;
}

/** Remove the RAM disk's scratch folder (the disk's stays, gitignored, for a look after a run). */
export function cleanUp(context: BenchContext): void {
  for (const storage of context.storages) if (storage.name === 'RAM disk') rmSync(storage.directory, { recursive: true, force: true });
}

function runWorker(args: string[], storage: Storage): string {
  return execFileSync(process.execPath, [worker, ...args], { encoding: 'utf8', env: { ...process.env, LEMMING_BENCH_DIR: storage.directory }, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * The floor of a turn's peak RSS: a fresh Node process alone, and one that has loaded the
 * engine's modules (as the turn jobs do) but opened no org. Measured once per run.
 */
export function memoryFloor(storage: Storage): { nodeMb: number; modulesMb: number } {
  const node = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS / 1024))'], { encoding: 'utf8' });
  const modules = JSON.parse(runWorker(['modules', '{}'], storage)) as { peakRssMb: number };
  return { nodeMb: Number(node), modulesMb: modules.peakRssMb };
}

/** Build an org in a process of its own; returns its root. */
export function buildJobOrg(job: Job, storage: Storage): string {
  return (JSON.parse(runWorker(['build', JSON.stringify(job)], storage)) as { root: string }).root;
}

/** Run turns on a built org in a fresh process, so its peak RSS and first turn are its own. */
export function runTurns(job: Job, root: string, storage: Storage): JobResult {
  return JSON.parse(runWorker(['run', JSON.stringify(job), root], storage)) as JobResult;
}

/** Retrieval and prompt sizes of a built org's memory streams, in one fresh process (worker.ts, memoryJob). */
export function memoryProbe(job: Job, root: string, storage: Storage): MemoryProbe {
  return JSON.parse(runWorker(['memory', JSON.stringify(job), root], storage)) as MemoryProbe;
}

/** Turns of two built orgs in alternation, in one fresh process. */
export function alternateTurns(job: Job, roots: [string, string], storage: Storage): AlternateResult {
  return JSON.parse(runWorker(['alternate', JSON.stringify(job), ...roots], storage)) as AlternateResult;
}

/**
 * Build an org, run its first turn ever in one process, then `job` in `processes` fresh processes
 * one after the other, and remove it: each starts as a `run-once` or a new `run` does on an org in
 * use (one that has run more turns before it changes nothing: history costs a turn nothing).
 */
export function runJobAfterFirstTurn(job: Job, storage: Storage, processes = 1): { firstEver: JobResult; results: JobResult[] } {
  const root = buildJobOrg(job, storage);
  try {
    const firstEver = runTurns({ ...job, turns: 1 }, root, storage);
    return { firstEver, results: Array.from({ length: processes }, () => runTurns(job, root, storage)) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Build, run and remove an org. */
export function runJob(job: Job, storage: Storage): JobResult {
  const root = buildJobOrg(job, storage);
  try {
    return runTurns(job, root, storage);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
