import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { REPO_ROOT } from '../helpers/org-files.js';

/**
 * Turns of an org of `agents` agents, each passing a message on to the next at once, in a fresh
 * process with the heap settings `lemming run` sets (heap-settings.ts), which with `thread` starts a
 * worker thread after its third turn: whom each turn called, the largest V8's old space grew while
 * the turns ran, the young generation's largest and last sizes (both semi-spaces), and the factor of
 * each old-generation limit V8 set (growthFactors).
 *
 * The child runs with --trace-gc-verbose, which has V8 print, at every full collection, the limit it
 * sets for the old generation and the factor it grew what was left alive by: `[HeapController] Limit:
 * old size: 52808 KB, new limit: 121724 KB (2.0)`. The factor is what the cap sets, whatever the
 * machine's load; the old space's peak is not: V8's own factor is high only when collecting is quick
 * next to the program's work, and under load an uncapped run peaked at 92 MB against the bound of 97
 * (stop 87), where quiet it reached 105 to 127 (stop 88, five runs). V8 prints with C's stdio, buffered
 * when its output is a pipe, so the child's own answer goes out on a descriptor of its own (3).
 */
function runOrg(root: string, agents: number, turns: number, thread: boolean): Heap {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    const { keepHeapSmall, startThread } = await import(${JSON.stringify(join(REPO_ROOT, 'dist', 'heap-settings.js'))});
    // Before the engine's modules load, as \`lemming run\` sets them (src/cli/program.ts).
    await keepHeapSmall();
    const { Engine } = await import(${JSON.stringify(join(REPO_ROOT, 'dist', 'engine', 'engine.js'))});
    const { emptyStats } = await import(${JSON.stringify(join(REPO_ROOT, 'dist', 'engine', 'run-totals.js'))});
    const provider = {
      async generate(request) {
        const index = Number(request.agent.slice('agent_'.length));
        const to = 'agent_' + String((index + 1) % ${agents}).padStart(4, '0');
        const call = { id: 'call_1', name: 'send_message', arguments: { to, subject: 'Turn ' + request.turn, body: 'Over to you.' } };
        return { text: '', toolCalls: [call], usage: { inputTokens: 500, outputTokens: 40, estimated: false }, modelKey: request.modelKey };
      },
    };
    const engine = Engine.open({ root: ${JSON.stringify(root)}, providerFactory: () => provider, command: 'test' });
    await keepHeapSmall(engine.currentOrg.agents.size);
    const called = [];
    let peakOld = 0;
    let peakYoung = 0;
    let thread;
    const space = (name) => getHeapSpaceStatistics().find((space) => space.space_name === name).space_size;
    for (let turn = 0; turn < ${turns}; turn += 1) {
      if (${thread} && turn === 3) {
        // A thread started as lemming starts its own (startThread), the turn going on at once: its start puts V8's flags back as the command line had them.
        const worker = startThread({ code: 'setTimeout(() => {}, 200)' });
        worker.once('online', () => (thread ??= 'ran'));
        worker.once('error', (error) => (thread ??= 'failed: ' + error.code));
      }
      const result = { stats: emptyStats() };
      for await (const event of engine.turn(result)) {
        if (event.type !== 'message-delivered') continue;
        peakOld = Math.max(peakOld, space('old_space'));
        peakYoung = Math.max(peakYoung, space('new_space'));
      }
      called.push(result.stats.called);
    }
    engine.close();
    // Whether the thread ran (on main it failed to start under --trace-gc-verbose, ERR_WORKER_INVALID_EXEC_ARGV, and the test told nothing).
    while (${thread} && thread === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    const { writeSync } = await import('node:fs');
    writeSync(3, JSON.stringify({ thread, called, peakOldMb: peakOld / 1048576, peakYoungMb: peakYoung / 1048576, youngMb: space('new_space') / 1048576 }));
  `;
  const result = spawnSync(process.execPath, ['--trace-gc-verbose', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const growthFactors = [...String(result.stdout).matchAll(/\[HeapController\] Limit: old size: \d+ KB, new limit: \d+ KB \(([\d.]+)\)/g)].map((match) => Number(match[1]));
  return { ...(JSON.parse(String(result.output[3])) as Omit<Heap, 'growthFactors'>), growthFactors };
}

interface Heap {
  /** 'ran' when the run's thread ran its code, else how it failed; absent when the run started none. */
  thread?: string;
  called: number[];
  peakOldMb: number;
  peakYoungMb: number;
  youngMb: number;
  /** The factor of each limit V8 set for the old generation at a full collection, in order. */
  growthFactors: number[];
}

const made: string[] = [];
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/**
 * The org lives in the temporary folder, on the RAM disk in the suite (vitest.config.ts). V8's own growth factor is high only when
 * collecting is quick next to the program's work: with turns slowed down by a slow disk (here
 * /tmp, 20 to 35 s for these turns) it stays low, and the old space peaked alike with and without
 * the cap (61 to 77 MB), so the test would tell nothing.
 */
function orgFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'lemming-heap-settings-'));
  made.push(folder);
  return folder;
}

/** Run `turns` turns of a new org of `agents` agents, check every turn called all of them and every message was written; its heap's sizes. */
function longRun(agents: number, turns: number, thread = false): Heap {
  const root = orgFolder();
  buildOrg(root, { agents, history: 0, withMail: agents });
  const heap = runOrg(root, agents, turns, thread);
  const { called } = heap;
  expect(called).toEqual(Array.from({ length: turns }, () => agents));
  // Every agent wrote one message a turn: its outbox holds the one it was built with and those.
  const short = [0, 1, agents - 1].map(agentName).filter((name) => readdirSync(join(root, 'agents', name, 'outbox')).length !== 1 + turns);
  expect(short).toEqual([]);
  return heap;
}

test('a long run of a big org keeps V8\'s old generation near what its turns keep alive, and every message is still delivered', () => {
  const { peakOldMb, growthFactors } = longRun(2500, 16);
  // Every limit V8 set grew the old generation by 2× at most. Left to V8 the first is 4× (it knows no collection's speed yet),
  // and the later ones 1.1× to 4× by how quick collecting is next to the turns' work.
  expect(growthFactors.length).toBeGreaterThan(0);
  expect(Math.max(...growthFactors)).toBeLessThanOrEqual(2);
  // On the RAM disk, with V8's own growth factor (up to 4× here), the old space reached 105 to 127 MB; capped at 2×, 57 to 78 MB.
  // Under load V8's own factor can stay low, and this bound pass without the cap: the factors above are what catch its loss.
  expect(peakOldMb).toBeLessThan(97);
  // It measures the heap, not the time: 16 turns of 2,500 agents took 220 s beside two other suites on 2 cores.
}, 900_000);

/**
 * The small org's long run, made once: its old generation and its young one are each held to their
 * bound (one process of 19 turns where there were two, of 19 and 12: the young generation's bound
 * holds over every turn, so the longer run holds it to more turns).
 */
let smallRun: Heap | undefined;
const smallOrgRun = (): Heap => (smallRun ??= longRun(200, 19));

test('a long run of a small org keeps V8\'s old generation near what its turns keep alive too, and every message is still delivered', () => {
  const { peakOldMb, growthFactors } = smallOrgRun();
  expect(growthFactors.length).toBeGreaterThan(0);
  expect(Math.max(...growthFactors)).toBeLessThanOrEqual(2);
  // On the RAM disk, with V8's own growth factor (4× here), the old space reached 32 MB by the 19th turn, a third of
  // the run's peak RSS, most of it a turn's promoted data long dead; capped at 2×, 16 to 18 MB (its live data is about 10).
  expect(peakOldMb).toBeLessThan(25);
}, 600_000);

test('a small org\'s run holds V8\'s young generation at 4 MB: grown from the 2 MB it starts with, and no further', () => {
  // Kept at 2 MB, a turn of 200 agents took 2.4 times the scavenges and promoted what it still held (heap-settings.ts);
  // left to V8, it grew to 32 MB.
  const heap = smallOrgRun();
  expect(heap.peakYoungMb).toBeLessThanOrEqual(4);
  expect(heap.youngMb).toBe(4);
}, 600_000);

test('a worker thread started during the run (as the trace writer starts one) does not let the young generation grow past its size', () => {
  const heap = longRun(200, 12, true);
  expect(heap.thread).toBe('ran');
  expect(heap.peakYoungMb).toBeLessThanOrEqual(4);
  expect(heap.youngMb).toBe(4);
});

/**
 * Full collections while a process keeps alive everything it makes (as a cold `status` does, reading
 * 100,000 resumes into an org), with a worker thread started first (as the read's look-ahead starts one),
 * in a fresh process: inside whileReadingOnce when `once`, else with V8's own growth.
 */
function fullCollectionsOfAKeepingRead(once: boolean): number {
  const script = `
    import { Worker } from 'node:worker_threads';
    import { PerformanceObserver, constants } from 'node:perf_hooks';
    const { whileReadingOnce, keepHeapAsSet } = await import(${JSON.stringify(join(REPO_ROOT, 'dist', 'heap-settings.js'))});
    let full = 0;
    new PerformanceObserver((list) => { for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full += 1; }).observe({ entryTypes: ['gc'] });
    const read = () => {
      const thread = new Worker('setTimeout(() => {}, 60000)', { eval: true });
      thread.unref();
      thread.once('online', keepHeapAsSet);
      const kept = [];
      for (let at = 0; at < 1500000; at += 1) kept.push({ name: 'agent_' + at, credits: at, tools: [at] });
      keepHeapAsSet();
      return kept.length;
    };
    const made = ${once} ? whileReadingOnce(read) : read();
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.stdout.write(JSON.stringify({ made, full }));
    process.exit(0);
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: REPO_ROOT });
  if (result.status !== 0) throw new Error(result.stderr);
  const { made, full } = JSON.parse(result.stdout) as { made: number; full: number };
  expect(made).toBe(1_500_000);
  return full;
}

test('a read that keeps all it makes (a cold status) lets the old generation grow: fewer full collections than V8\'s own growth, with a worker thread started during it', () => {
  const own = fullCollectionsOfAKeepingRead(false);
  const once = fullCollectionsOfAKeepingRead(true);
  expect(once).toBeLessThan(own);
});

/**
 * A fresh process holding a small org's young generation (keepHeapSmall(200)) starts a thread by `start`
 * ('lemming': heap-settings.ts startThread; 'plain': a Worker whose owner sets the flags again when it
 * hears it run) and allocates without yielding while it starts, as a turn does: the young generation's size
 * (both semi-spaces, MB) when the thread's first line of its own ran, and after as much again as a turn allocates.
 */
function youngAroundAThreadStart(start: 'lemming' | 'plain'): { atStart: number; after: number } {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { Worker } from 'node:worker_threads';
    const { keepHeapSmall, keepHeapAsSet, startThread } = await import(${JSON.stringify(join(REPO_ROOT, 'dist', 'heap-settings.js'))});
    await keepHeapSmall(200);
    const young = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 1048576;
    let kept = [];
    const churn = (count) => { for (let at = 0; at < count; at += 1) { kept.push({ at, name: 'agent_' + at }); if (kept.length > 20000) kept = []; } };
    // Grown to its size and held there, the process yielding between pieces as turns do.
    for (let piece = 0; piece < 1000; piece += 1) { churn(5000); await new Promise((resolve) => setImmediate(resolve)); }
    const ran = new Int32Array(new SharedArrayBuffer(4));
    const code = "Atomics.store(new Int32Array(require('node:worker_threads').workerData), 0, 1); setTimeout(() => {}, 300);";
    const thread = ${JSON.stringify(start)} === 'lemming' ? startThread({ code }, { workerData: ran.buffer }) : new Worker(code, { eval: true, execArgv: [], workerData: ran.buffer });
    if (${JSON.stringify(start)} === 'plain') thread.once('online', keepHeapAsSet);
    // Busy, never yielding (so 'online' is not heard), allocating slowly until the thread runs its own code, then a turn's worth.
    let failed;
    thread.once('error', (error) => (failed = error));
    const until = Date.now() + 30000;
    while (Atomics.load(ran, 0) === 0 && Date.now() < until) { churn(200); Atomics.wait(ran, 0, 0, 1); }
    if (Atomics.load(ran, 0) === 0) { await new Promise((resolve) => setTimeout(resolve, 100)); throw new Error('the thread never ran: ' + failed); }
    const atStart = young();
    churn(3000000);
    process.stdout.write(JSON.stringify({ atStart, after: young() }));
    process.exit(0);
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: REPO_ROOT });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { atStart: number; after: number };
}

test("a thread lemming starts sets the engine's V8 flags again itself: the young generation does not grow while the engine is too busy to hear it run", () => {
  // Started as a plain Worker, V8's flags stay as the command line had them until the busy owner yields: 4 MB grew to 32.
  const plain = youngAroundAThreadStart('plain');
  expect(plain.after).toBeGreaterThan(plain.atStart);
  const lemming = youngAroundAThreadStart('lemming');
  expect(lemming.after).toBe(lemming.atStart);
  expect(lemming.after).toBeLessThan(plain.after);
});
