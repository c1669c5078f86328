import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { orgThatHasRun } from './org-that-has-run.js';
import { figure, type Figure } from './stats.js';

/**
 * A fresh process's first turn taken apart (issue 76): the row of section 1 "first turn of a fresh
 * process on an org that has run", at 1,000 agents on the RAM disk by default, without the rest of the
 * section. In each round, three orgs are built alike and run their first turn ever; then one fresh
 * process runs org A's first turn (cold code) and its steady turns, then B1's first turn (the turn's
 * code warm, but not what only a first turn runs), then B2's (all of it warm). Cold first minus warm
 * first is V8's warm-up; warm first minus steady is the work only a first turn does, and a little more:
 * another org's objects have other hidden classes, so some functions are deoptimised and optimised
 * again (`--trace-deopt`: "wrong map"), which a process's one org never pays. Then, each in a
 * fresh process after opening the engine, with cold code: the look at every agent's own folders, the
 * read of every waiting message, the `stat` of every activity log (the first turn's own file work).
 *
 * Each turn gives its wall time, the engine's thread's CPU and its wait for a core (Linux:
 * /proc/thread-self/schedstat), the process's CPU (V8's compiler and collector threads too) and its
 * collections. The engine's thread's CPU moves least with other work on the machine.
 *
 *   node dist-bench/bench/first-turn-parts.js [--agents 1000] [--rounds 3] [--folder /dev/shm]
 */

const STEADY_TURNS = 12;
const PIECES = ['folders', 'read', 'logstat'] as const;
/** org.yaml `engine.max_body_chars` when unset, as the bench's orgs leave it (src/org/schema.ts). */
const DEFAULT_MAX_BODY_CHARS = 20_000;

/** What one turn cost. */
interface TurnCost {
  wallMs: number;
  /** The engine's thread: its CPU, and its time waiting for a core. */
  mainMs: number;
  waitMs: number;
  /** The whole process's CPU: the engine's thread, V8's compiler and collector threads, the thread pool. */
  processMs: number;
  scavenges: number;
  fullCollections: number;
  collectionMs: number;
}

const here = fileURLToPath(import.meta.url);

/** The engine's thread's CPU and its wait for a core so far, in ms (0 where /proc has neither). */
function schedule(): { cpu: number; wait: number } {
  try {
    const [cpu, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { cpu: (cpu ?? 0) / 1e6, wait: (wait ?? 0) / 1e6 };
  } catch {
    return { cpu: 0, wait: 0 };
  }
}

/** In a child: open each org in turn and run `counts[i]` turns on it, each turn's cost. */
async function runTurns(agents: number, roots: string[], counts: number[]): Promise<TurnCost[][]> {
  const { keepHeapSmall } = await import('../src/heap-settings.js');
  await keepHeapSmall(agents);
  const { PerformanceObserver, constants } = await import('node:perf_hooks');
  const { emptyStats } = await import('../src/engine/run-totals.js');
  const { Engine } = await import('../src/engine/engine.js');
  const { NextAgentProvider } = await import('./bench-providers.js');
  const { agentName } = await import('./build-org.js');
  const names = Array.from({ length: agents }, (_, index) => agentName(index));
  const collections = { scavenges: 0, full: 0, ms: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) collections.scavenges += 1;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) collections.full += 1;
      collections.ms += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const all: TurnCost[][] = [];
  for (const [index, root] of roots.entries()) {
    const engine = Engine.open({ root, providerFactory: () => new NextAgentProvider(names, 0), command: 'bench' });
    const turns: TurnCost[] = [];
    for (let turn = 0; turn < (counts[index] ?? 1); turn += 1) {
      const before = { ...collections };
      const cpu = process.cpuUsage();
      const scheduled = schedule();
      const start = performance.now();
      const result = { stats: emptyStats() };
      for await (const event of engine.turn(result)) void event;
      const wallMs = performance.now() - start;
      const after = schedule();
      const used = process.cpuUsage(cpu);
      // The observer hears of a turn's last collections after the turn.
      await new Promise((resolve) => setImmediate(resolve));
      if (result.stats.called !== agents) throw new Error(`${root}: a turn called ${result.stats.called} agents, not ${agents}`);
      turns.push({
        wallMs,
        mainMs: after.cpu - scheduled.cpu,
        waitMs: after.wait - scheduled.wait,
        processMs: (used.user + used.system) / 1000,
        scavenges: collections.scavenges - before.scavenges,
        fullCollections: collections.full - before.full,
        collectionMs: collections.ms - before.ms,
      });
    }
    engine.close();
    all.push(turns);
  }
  return all;
}

/** In a child: open the org, then do one piece of a first turn's own file work for every agent, with cold code; its CPU on the engine's thread, in ms. */
async function runPiece(agents: number, root: string, piece: (typeof PIECES)[number]): Promise<number> {
  const { keepHeapSmall } = await import('../src/heap-settings.js');
  await keepHeapSmall(agents);
  const { Engine } = await import('../src/engine/engine.js');
  const { lookedAt } = await import('../src/org/own-folders.js');
  const { readMessageFile } = await import('../src/mailbox/message-file.js');
  const { loadState } = await import('../src/engine/record/state-store.js');
  const { NextAgentProvider } = await import('./bench-providers.js');
  const { agentName } = await import('./build-org.js');
  const names = Array.from({ length: agents }, (_, index) => agentName(index));
  const engine = Engine.open({ root, providerFactory: () => new NextAgentProvider(names, 0), command: 'bench' });
  const pending = loadState(join(root, 'org', 'state', 'engine.json')).pending;
  const start = schedule().cpu;
  if (piece === 'folders') for (const name of names) lookedAt(root, name);
  if (piece === 'read') for (const item of pending) if (item.kind !== 'notice') readMessageFile(root, item.from, basename(item.file), item.turn, DEFAULT_MAX_BODY_CHARS);
  if (piece === 'logstat') for (const name of names) statSync(`${root}/agents/${name}/logs/activity.jsonl`, { throwIfNoEntry: false });
  const spent = schedule().cpu - start;
  engine.close();
  return spent;
}

function child<T>(folder: string, args: string[]): T {
  return JSON.parse(execFileSync(process.execPath, [here, '--child', ...args], { encoding: 'utf8', env: { ...process.env, LEMMING_BENCH_DIR: folder }, maxBuffer: 16 * 1024 * 1024 })) as T;
}


const show = (value: Figure): string => `${value.median.toFixed(0)} (${value.min.toFixed(0)}–${value.max.toFixed(0)})`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string): string => {
    const at = args.indexOf(name);
    return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
  };
  if (args[0] === '--child') {
    const agents = Number(args[2]);
    const out = args[1] === 'turns' ? await runTurns(agents, args.slice(3), [STEADY_TURNS, 2, 2]) : await runPiece(agents, args[3] ?? '', args[4] as (typeof PIECES)[number]);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const agents = Number(option('--agents', '1000'));
  const rounds = Number(option('--rounds', '3'));
  const folder = mkdtempSync(join(option('--folder', process.platform === 'linux' ? '/dev/shm' : tmpdir()), 'lemming-first-turn-'));
  const steadyLabel = `A, steady (turns ${STEADY_TURNS - 1}-${STEADY_TURNS})`;
  const rows: Record<string, TurnCost[]> = { 'cold first turn (org A)': [], 'A, its second turn': [], [steadyLabel]: [], 'B1 first turn after A (first-turn code cold)': [], 'B2 first turn after B1 (all code warm)': [] };
  const pieces: Record<string, number[]> = Object.fromEntries(PIECES.map((piece) => [piece, []]));
  const loads: number[] = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      const roots = [0, 1, 2].map(() => orgThatHasRun(folder, agents));
      loads.push(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
      const [a = [], b1 = [], b2 = []] = child<TurnCost[][]>(folder, ['turns', String(agents), ...roots]);
      const taken: [string, TurnCost[]][] = [
        ['cold first turn (org A)', a.slice(0, 1)],
        ['A, its second turn', a.slice(1, 2)],
        [steadyLabel, a.slice(STEADY_TURNS - 2)],
        ['B1 first turn after A (first-turn code cold)', b1.slice(0, 1)],
        ['B2 first turn after B1 (all code warm)', b2.slice(0, 1)],
      ];
      for (const [what, costs] of taken) rows[what]?.push(...costs);
      for (const piece of PIECES) pieces[piece]?.push(child<number>(folder, ['piece', String(agents), roots[1] ?? '', piece]));
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const of = (costs: TurnCost[], field: keyof TurnCost): string => show(figure(costs.map((cost) => cost[field])));
  console.log(`${agents} agents, ${rounds} rounds, load ${show(figure(loads))} (1-minute average); medians (ranges), ms`);
  console.log('turn | wall | engine thread CPU | its wait for a core | process CPU | scavenges | full collections | collections ms');
  for (const [what, costs] of Object.entries(rows)) {
    console.log(`${what} | ${of(costs, 'wallMs')} | ${of(costs, 'mainMs')} | ${of(costs, 'waitMs')} | ${of(costs, 'processMs')} | ${of(costs, 'scavenges')} | ${of(costs, 'fullCollections')} | ${of(costs, 'collectionMs')}`);
  }
  console.log("a first turn's own file work, alone, cold code (engine thread CPU, ms):");
  const said = { folders: "the look at every agent's own folders (5 lstat each)", read: 'every waiting message read from its file', logstat: "a stat of every agent's activity log" };
  for (const piece of PIECES) console.log(`  ${said[piece]}: ${show(figure(pieces[piece] ?? []))}`);
}

await main();
