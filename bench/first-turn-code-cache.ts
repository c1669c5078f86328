import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { orgThatHasRun } from './org-that-has-run.js';
import { figure, type Figure } from './stats.js';

/**
 * V8's code cache made after warm turns, tried on a fresh process's first turn (issue 76: the row of
 * section 1 "first turn of a fresh process on an org that has run", 1,000 agents on the RAM disk).
 *
 * Node 20 has no compile cache for modules (`module.enableCompileCache` came in 22.1); V8's cached data
 * reaches only a `vm.Script`. So the engine's modules (as the bench's worker loads them from dist-bench/)
 * are bundled here into one CommonJS script, and each child compiles it with `new Script(...)`: without
 * cached data ("plain"), or with the data `createCachedData()` gave after a process had run warm turns
 * ("cached": the bytecode of every function compiled by then, the first turn's included). The two kinds
 * of child are alternated on one org that has run, each a fresh process; each reports its turns' wall
 * time, the engine's thread's CPU (/proc/thread-self/schedstat) and the process's CPU. Unlike the
 * worker's modules, the bundle requires the packages they import at its top level, before the engine opens.
 *
 * `--count`: one child of each kind more under `--log-function-events`, counting the bundle's functions
 * V8 compiled lazily during the first turn (the cache is made again under that flag: V8 rejects cached data
 * made under other flags). `--check` shows what V8 checks of cached data before it takes it.
 *
 *   node dist-bench/bench/first-turn-code-cache.js [--agents 1000] [--pairs 6] [--folder /dev/shm] [--count] [--check]
 */

const here = fileURLToPath(import.meta.url);
const distBench = join(here, '..', '..');
/** Turns the cache's maker runs before it writes the cache; turns each measured child runs. */
const MAKER_TURNS = 3;
const CHILD_TURNS = 3;

/** One turn's cost in a child. */
interface TurnCost {
  wallMs: number;
  mainMs: number;
  processMs: number;
  /** Collections during the turn (scavenges and full ones), and their pauses' time. */
  collections: number;
  collectionMs: number;
}

/** What a child reports. */
interface ChildResult {
  compileMs: number;
  cacheBytes: number;
  rejected: boolean | undefined;
  turns: TurnCost[];
  /** The heap in use (V8's) as the first turn starts, and its young generation's size (both semi-spaces), in MB. */
  heapBeforeMb: number;
  youngMb: number;
  /** The process's CPU from its start to the first turn's end, in ms: compiling, opening the engine and the turn. */
  cpuToFirstTurnEndMs: number;
}

/** The engine's thread's CPU so far, in ms (0 where /proc has none). */
function threadCpu(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return 0;
  }
}

/**
 * The modules a bench turn uses (worker.ts's), as one CommonJS script. `import.meta.url` becomes each
 * module's own file URL, so a thread's script is found where the module would find it; an `import()` of a
 * package or of Node's own becomes a `require`, since a `vm.Script` on Node 20 has no `import()` without
 * `--experimental-vm-modules`. Written inside dist-bench/ so its `require`s find node_modules.
 */
async function bundleEngine(folder: string): Promise<string> {
  const entry = join(folder, 'entry.mjs');
  const file = join(folder, 'engine.cjs');
  const from = (path: string): string => JSON.stringify(join(distBench, path));
  writeFileSync(
    entry,
    [
      `export { Engine } from ${from('src/engine/engine.js')};`,
      `export { emptyStats } from ${from('src/engine/run-totals.js')};`,
      `export { keepHeapSmall } from ${from('src/heap-settings.js')};`,
      `export { NextAgentProvider } from ${from('bench/bench-providers.js')};`,
      `export { agentName } from ${from('bench/build-org.js')};`,
    ].join('\n'),
  );
  const rolldown = (await import(createRequire(join(process.cwd(), 'package.json')).resolve('rolldown'))) as typeof import('rolldown');
  const build = await rolldown.rolldown({
    input: entry,
    platform: 'node',
    logLevel: 'silent',
    external: (id) => !id.startsWith('/') && !id.startsWith('.'),
    plugins: [
      {
        name: 'first-turn-code-cache',
        transform(code, id) {
          const out = code
            .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(id).href))
            .replace(/\bimport\((["'])([^."'][^"']*)\1\)/g, (_all, quote: string, name: string) => `Promise.resolve().then(() => require(${quote}${name}${quote}))`);
          return out === code ? null : { code: out, map: null };
        },
      },
    ],
  });
  await build.write({ file, format: 'cjs', codeSplitting: false, sourcemap: false });
  await build.close();
  return file;
}

/** The exports of the bundle (bundleEngine's entry). */
interface Bundled {
  Engine: typeof import('../src/engine/engine.js').Engine;
  emptyStats: typeof import('../src/engine/run-totals.js').emptyStats;
  keepHeapSmall: typeof import('../src/heap-settings.js').keepHeapSmall;
  NextAgentProvider: typeof import('./bench-providers.js').NextAgentProvider;
  agentName: typeof import('./build-org.js').agentName;
}

/** Called just before and after the first turn, so a function-events log shows where the turn lies. */
function markTurnStart(): number {
  return 1;
}
function markTurnEnd(): number {
  return 2;
}

/**
 * In a child: compile the bundle (with the cache, for `cached`), open the org, run `turns` turns; `make`
 * writes the cache after them. Compiled as the bench's worker loads its modules: after keepHeapSmall.
 */
async function child(kind: 'plain' | 'cached' | 'make', root: string, agents: number, turns: number, bundle: string, cacheFile: string): Promise<ChildResult> {
  const v8 = await import('node:v8');
  // The heap held small before the bundle compiles, as the worker holds it before its modules load
  // (compiling would grow the young generation past its size for good); the bundle's own copy of
  // heap-settings is set alike once it runs, for the engine's threads.
  const { keepHeapSmall } = await import('../src/heap-settings.js');
  await keepHeapSmall(agents);
  const source = readFileSync(bundle, 'utf8');
  const cachedData = kind === 'cached' && existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const compileStart = threadCpu();
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const compileMs = threadCpu() - compileStart;
  const module = { exports: {} as Bundled };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const api = module.exports;
  await api.keepHeapSmall(agents);
  const { PerformanceObserver } = await import('node:perf_hooks');
  const collected = { count: 0, ms: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      collected.count += 1;
      collected.ms += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const names = Array.from({ length: agents }, (_, index) => api.agentName(index));
  const engine = api.Engine.open({ root, providerFactory: () => new api.NextAgentProvider(names, 0), command: 'bench' });
  const costs: TurnCost[] = [];
  let heapBeforeMb = 0;
  let youngMb = 0;
  let cpuToFirstTurnEndMs = 0;
  try {
    for (let index = 0; index < turns; index += 1) {
      if (index === 0) {
        heapBeforeMb = v8.getHeapStatistics().used_heap_size / 1024 / 1024;
        youngMb = (v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0) / 1024 / 1024;
        markTurnStart();
      }
      const before = { ...collected };
      const cpu = process.cpuUsage();
      const main = threadCpu();
      const start = performance.now();
      const result = { stats: api.emptyStats() };
      for await (const event of engine.turn(result)) void event;
      const wallMs = performance.now() - start;
      const mainMs = threadCpu() - main;
      const used = process.cpuUsage(cpu);
      if (index === 0) {
        markTurnEnd();
        const sinceStart = process.cpuUsage();
        cpuToFirstTurnEndMs = (sinceStart.user + sinceStart.system) / 1000;
      }
      // The observer hears of a turn's last collections after the turn.
      await new Promise((resolve) => setImmediate(resolve));
      if (result.stats.called !== agents) throw new Error(`${root}: a turn called ${result.stats.called} agents, not ${agents}`);
      costs.push({ wallMs, mainMs, processMs: (used.user + used.system) / 1000, collections: collected.count - before.count, collectionMs: collected.ms - before.ms });
    }
  } finally {
    engine.close();
  }
  if (kind === 'make') {
    // V8 stamps the cache with a hash of the flags that differ from their defaults, taken the first time
    // the process makes or takes cached data (here, now), and rejects it under others: the young
    // generation's growth factor, held at 1 once it is full (heap-settings.ts), is put back to the default
    // it has when a child compiles the bundle.
    v8.setFlagsFromString('--semi-space-growth-factor=2');
    writeFileSync(cacheFile, script.createCachedData());
  }
  return { compileMs, cacheBytes: cachedData?.length ?? 0, rejected: cachedData ? script.cachedDataRejected : undefined, heapBeforeMb, youngMb, cpuToFirstTurnEndMs, turns: costs };
}

/** The bundle's functions V8 compiled lazily between markTurnStart and markTurnEnd, from a `--log-function-events` log. */
function compiledInFirstTurn(log: string, bundle: string): number {
  const lines = readFileSync(log, 'utf8').split('\n').map((line) => line.split(','));
  const bundleScripts = new Set(lines.filter((fields) => fields[0] === 'script-details' && fields[2] === bundle).map((fields) => fields[1]));
  const at = (name: string): number => Number(lines.find((fields) => fields[0] === 'function' && fields[1] === 'first-execution' && fields.at(-1) === name)?.at(-2) ?? Number.NaN);
  const [start, end] = [at('markTurnStart'), at('markTurnEnd')];
  return lines.filter((fields) => fields[0] === 'function' && fields[1] === 'interpreter' && bundleScripts.has(fields[2] ?? '') && Number(fields.at(-2)) >= start && Number(fields.at(-2)) <= end).length;
}

/**
 * The young generation capped at the 4 MB the worker's keepHeapSmall holds (two semi-spaces of 2 MB). It
 * holds it by watching collections, which its observer hears only between tasks: the bundle runs its
 * modules' top level in one go (the packages they import with them), and without the cap a child's young
 * generation had grown to 16 MB before the first turn, with half the worker's collections in that turn.
 */
const CHILD_FLAGS = ['--max-semi-space-size=2'];

function runChild(args: string[], flags: string[] = []): ChildResult {
  return JSON.parse(execFileSync(process.execPath, [...CHILD_FLAGS, ...flags, here, '--child', ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })) as ChildResult;
}


/** What V8 checks of cached data (Node 20.20, V8 11.3): the text's length, not the text itself. */
function checkWhatV8Checks(): void {
  const made = new Script('globalThis.said = "AAAA";', { filename: 'check.js' });
  made.runInThisContext();
  const data = made.createCachedData();
  const sameLength = new Script('globalThis.said = "BBBB";', { filename: 'check.js', cachedData: data });
  sameLength.runInThisContext();
  const said = (globalThis as { said?: string }).said;
  const otherLength = new Script('globalThis.said = "BBBBB";', { filename: 'check.js', cachedData: data });
  const flipped = Buffer.from(data);
  flipped[flipped.length - 8] = (flipped[flipped.length - 8] ?? 0) ^ 0xff;
  const damaged = new Script('globalThis.said = "AAAA";', { filename: 'check.js', cachedData: flipped });
  console.log(`cached data made for "AAAA", given another text of the same length ("BBBB"): rejected ${sameLength.cachedDataRejected}, the script said "${said}"`);
  console.log(`given a text of another length: rejected ${otherLength.cachedDataRejected}; a byte of the data flipped: rejected ${damaged.cachedDataRejected}`);
  console.log('(the file name is not checked either): a cache must be kept under a hash of the text it was made for, which the loader checks itself');
}

const show = (value: Figure): string => `${value.median.toFixed(0)} (${value.min.toFixed(0)}–${value.max.toFixed(0)})`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const [, kind, root = '', agents, turns, bundle = '', cacheFile = ''] = args;
    process.stdout.write(`${JSON.stringify(await child(kind as 'plain' | 'cached' | 'make', root, Number(agents), Number(turns), bundle, cacheFile))}\n`);
    return;
  }
  const option = (name: string, fallback: string): string => {
    const at = args.indexOf(name);
    return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
  };
  if (args.includes('--check')) checkWhatV8Checks();
  const agents = Number(option('--agents', '1000'));
  const pairs = Number(option('--pairs', '6'));
  const folder = mkdtempSync(join(option('--folder', process.platform === 'linux' ? '/dev/shm' : tmpdir()), 'lemming-code-cache-'));
  const bundleFolder = join(distBench, 'code-cache-trial');
  mkdirSync(bundleFolder, { recursive: true });
  try {
    const bundle = await bundleEngine(bundleFolder);
    const cacheFile = join(bundleFolder, 'engine.cache');
    const root = orgThatHasRun(folder, agents);
    const common = [root, String(agents)];
    runChild(['make', ...common, String(MAKER_TURNS), bundle, cacheFile]);
    const results: Record<'plain' | 'cached', ChildResult[]> = { plain: [], cached: [] };
    const loads: number[] = [];
    for (let pair = 0; pair < pairs; pair += 1) {
      loads.push(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
      for (const kind of pair % 2 === 0 ? (['plain', 'cached'] as const) : (['cached', 'plain'] as const)) results[kind].push(runChild([kind, ...common, String(CHILD_TURNS), bundle, cacheFile]));
    }
    const cached = results.cached[0];
    console.log(`${agents} agents, ${pairs} pairs of fresh processes, load ${show(figure(loads))}; bundle ${(readFileSync(bundle).length / 1024).toFixed(0)} KB, cache ${((cached?.cacheBytes ?? 0) / 1024).toFixed(0)} KB, rejected in ${results.cached.filter((one) => one.rejected !== false).length} of ${pairs}`);
    console.log('medians (ranges), ms | plain | cached | cached minus plain, pair by pair');
    const row = (what: string, of: (one: ChildResult) => number): void => {
      const [plain, withCache] = [results.plain.map(of), results.cached.map(of)];
      console.log(`${what} | ${show(figure(plain))} | ${show(figure(withCache))} | ${show(figure(withCache.map((value, index) => value - (plain[index] ?? 0))))}`);
    };
    row('compiling the bundle, engine thread CPU', (one) => one.compileMs);
    row("V8's heap in use as the first turn starts, MB", (one) => one.heapBeforeMb);
    row('its young generation then, MB', (one) => one.youngMb);
    row("the process's CPU from its start to the first turn's end", (one) => one.cpuToFirstTurnEndMs);
    for (const [turn, name] of [
      [0, 'first turn'],
      [CHILD_TURNS - 1, `turn ${CHILD_TURNS}`],
    ] as const) {
      row(`${name}, wall`, (one) => one.turns[turn]?.wallMs ?? 0);
      row(`${name}, engine thread CPU`, (one) => one.turns[turn]?.mainMs ?? 0);
      row(`${name}, process CPU`, (one) => one.turns[turn]?.processMs ?? 0);
      row(`${name}, collections`, (one) => one.turns[turn]?.collections ?? 0);
      row(`${name}, collections' pauses`, (one) => one.turns[turn]?.collectionMs ?? 0);
    }
    if (args.includes('--count')) {
      const log = join(bundleFolder, 'functions.log');
      const flags = ['--log-function-events', `--logfile=${log}`, '--no-logfile-per-isolate'];
      const countCache = join(bundleFolder, 'engine-logged.cache');
      runChild(['make', ...common, String(MAKER_TURNS), bundle, countCache], flags);
      for (const kind of ['plain', 'cached'] as const) {
        const one = runChild([kind, ...common, '1', bundle, countCache], flags);
        console.log(`${kind}: the bundle's functions compiled lazily in the first turn: ${compiledInFirstTurn(log, bundle)}${one.rejected === undefined ? '' : `, cache rejected: ${one.rejected}`}`);
      }
    }
    rmSync(root, { recursive: true, force: true });
  } finally {
    rmSync(folder, { recursive: true, force: true });
    rmSync(bundleFolder, { recursive: true, force: true });
  }
}

await main();
