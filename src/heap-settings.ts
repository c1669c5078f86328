import { createRequire } from 'node:module';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Above this many agents a small young generation costs memory instead of saving it (measured at 4,000
 * and 10,000), and a capped old generation saves memory without costing time.
 */
const SMALL_ORG_AGENTS = 2_000;

/**
 * How far V8 lets the old generation of a big (or small) org's run grow past what a full collection left
 * alive, in percent. V8 picks a factor of its own, up to 4× on a machine with a gigabyte or more,
 * when collecting is quick next to the program's work: 10,000 agents, 5 turns, kept some 80 MB
 * alive and peaked at 365 to 388 MB of RSS. Capped at 2×: 294 to 309 MB, the full collections
 * taking some 19 ms more a turn on the engine's thread (of 1.3 to 1.5 s; the steady turn was
 * 1,299 against 1,398 ms by median of fresh processes alternated). At 1.5×, 250 to 282 MB but
 * 49 ms more a turn. At 1,000 agents a 1.5× cap saved 30 MB (89 against 125 MB) but cost a
 * tenth of the turn: with the young generation kept small, a turn promotes most of its data
 * and V8, growing by at least 8 MB past the live heap whatever the factor, collected fully every
 * other turn (10 times in 19 turns against 3). So middling orgs keep V8's factor, as
 * they keep their young generation small.
 */
const CAPPED_OLD_GENERATION_GROWTH_PERCENT = 100;

/**
 * Below this many agents the old generation is capped at 2× as well. With its young generation kept
 * small, a turn of 200 agents promotes some 1.5 MB that dies by the turn's end; V8's own factor (4×
 * past the 10 MB alive) let that pile up to 35 MB of old generation by the 19th turn, a third of the
 * run's 96 MB peak RSS. Capped: 3 full collections in 19 turns instead of 1, some 6 ms each, and a
 * peak of 84 MB. The cost grows with the org: at 500 agents 7 full collections against 3 (30 to
 * 100 ms more in 19 turns of some 120 ms), at 1,000 the tenth of a turn said above.
 */
const CAPPED_OLD_GENERATION_AGENTS = 500;

/**
 * Above this many agents the old generation grows by at most HUGE_ORG_GROWTH_PERCENT. Most of a
 * huge org's heap is the org itself, alive for the whole run, and a steady turn (of its busy agents
 * only) promotes little next to it: at 100,000 agents with 1,000 busy, 107 MB was alive after the
 * first turn's full collection, and a 2× cap let the heap reach 225 MB before the next (peak RSS 318
 * to 323 MB in 7 turns). At 1.5×: 5 full collections instead of 3, some 15 ms each, the steady turn
 * 319 to 329 ms against 313 to 328, and a peak of 296 to 300 MB. 1.3× did no better: V8 grows the
 * heap by a minimum step of its own past the factor (2026-11-25, the bench's run job, alternated).
 */
const HUGE_ORG_AGENTS = 50_000;
const HUGE_ORG_GROWTH_PERCENT = 50;

/**
 * The young generation a small or middling org's run keeps: two semi-spaces of 2 MB. V8 starts
 * with 1 MB each and, by default, doubles them up to 16 MB each (with the copy, some 48 MB of RSS)
 * as soon as turns allocate quickly: that was most of a long run's peak RSS at 200 and 1,000
 * agents, whose live heap is about 16 MB. Kept at 1 MB, a turn of 200 agents took 2.4 times the
 * scavenges (531 against 223 in 40 turns) and promoted what a turn still held, so full collections
 * came 3 times as often: the steady turn was 63 against 57.5 ms at 200 agents, 271 against 234 ms
 * at 1,000 (fresh processes alternated, 2026-11-23), for 2 and 6 MB less peak RSS. 4 MB
 * semi-spaces made it no faster (56.9 against 56.1 ms at 200 agents) for 4 MB more.
 */
const YOUNG_GENERATION_BYTES = 4 * 1024 * 1024;

/**
 * Keep V8's heap close to what a run of turns keeps alive, for a process that runs many turns.
 *
 * A small or middling org's young generation grows to YOUNG_GENERATION_BYTES and no further (see
 * holdYoungGeneration). In a bigger org a turn's own data outlives a small young generation, is
 * promoted early and swells the old one instead (10,000 agents, 8 turns: 433 MB against 396 MB by
 * default), so there V8 grows it as it likes.
 *
 * The old generation of a bigger org, and of a small one (under CAPPED_OLD_GENERATION_AGENTS, or
 * before its size is known), grows by at most CAPPED_OLD_GENERATION_GROWTH_PERCENT past its live
 * data, a huge one (over HUGE_ORG_AGENTS) by HUGE_ORG_GROWTH_PERCENT; a middling org keeps V8's
 * own factor (0).
 *
 * Called before the run's modules load (compiling them would grow the young generation past its
 * size, and V8 never gives that back while turns allocate) and again once the org's size is known.
 * `node:v8` is loaded only here, so a single turn (`run-once`) does not pay for it.
 */
export async function keepHeapSmall(agents?: number): Promise<void> {
  const v8 = await import('node:v8');
  const big = agents !== undefined && agents > SMALL_ORG_AGENTS;
  const capped = big || agents === undefined || agents < CAPPED_OLD_GENERATION_AGENTS;
  const oldGrowthPercent = agents !== undefined && agents > HUGE_ORG_AGENTS ? HUGE_ORG_GROWTH_PERCENT : capped ? CAPPED_OLD_GENERATION_GROWTH_PERCENT : 0;
  settings = { v8, youngBytes: big ? undefined : YOUNG_GENERATION_BYTES, oldGrowthPercent, growthFactor: undefined };
  v8.setFlagsFromString(`--heap-growing-percent=${settings.oldGrowthPercent}`);
  holdYoungGeneration();
  // A big org's young generation is V8's own: nothing to look at after a collection, and Node would make an entry of each (some 70 a turn at 10,000 agents).
  if (settings.youngBytes === undefined) stopWatchingCollections();
  else watchCollections();
}

interface HeapSettings {
  v8: Pick<typeof import('node:v8'), 'setFlagsFromString' | 'getHeapSpaceStatistics'>;
  /** The young generation's size to hold, both semi-spaces; undefined: V8's own. */
  youngBytes: number | undefined;
  oldGrowthPercent: number;
  /** The semi-space growth factor last set: 2 (V8's default) lets the young generation double at its next growth, 1 holds it. */
  growthFactor: 1 | 2 | undefined;
}

/** What keepHeapSmall last set. */
let settings: HeapSettings | undefined;

/**
 * How far V8 lets the old generation grow past what a full collection left alive while a command that
 * shows the org and is done (`status`) reads it whole (whileReadingOnce), in percent. Everything such a read
 * makes stays alive to its end: at 100,000 agents a cold `status` collected fully at some 25 MB, then V8's own
 * factor (some 5×) brought a second full collection at 105 MB that freed 15 (a tenth of its CPU in a loaded
 * hour); at 10× the heap ends near 130 MB with the one collection.
 */
const READ_ONCE_GROWTH_PERCENT = 900;

/** Whether whileReadingOnce is under way. */
let readingOnce = false;

/**
 * `read()` with the old generation let grow by READ_ONCE_GROWTH_PERCENT, then V8's growth as it was. For a
 * process that reads an org, shows it and ends: the limit set at a collection during the read holds until the
 * next one, so a process that goes on working (a dashboard, a chat) must not use it.
 */
export function whileReadingOnce<T>(read: () => T): T {
  readingOnce = true;
  setOldGrowth();
  try {
    return read();
  } finally {
    readingOnce = false;
    setOldGrowth();
  }
}

/** The old generation's growth V8 is to use now (0: its own factor). */
function setOldGrowth(): void {
  (settings?.v8 ?? (createRequire(import.meta.url)('node:v8') as typeof import('node:v8'))).setFlagsFromString(`--heap-growing-percent=${oldGrowthPercent()}`);
}

/** How far the old generation may grow past what a full collection left alive, as now set (0: V8's own factor). */
function oldGrowthPercent(): number {
  return readingOnce ? READ_ONCE_GROWTH_PERCENT : (settings?.oldGrowthPercent ?? 0);
}

/**
 * V8 has no flag for a young generation's size once the process runs, but it reads its growth
 * factor at each growth: 2 while the young generation is below its size, 1 once it is there. A
 * full collection in a quiet spell can shrink it again (V8 does when little is allocated), and the
 * next collections let it grow back.
 */
function holdYoungGeneration(): void {
  if (settings === undefined) return;
  const young = settings.youngBytes === undefined ? 0 : settings.v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
  const factor = settings.youngBytes !== undefined && young >= settings.youngBytes ? 1 : 2;
  if (factor === settings.growthFactor) return;
  settings.growthFactor = factor;
  settings.v8.setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}

/** The observer of collections, while one is needed. */
let watching: import('node:perf_hooks').PerformanceObserver | undefined;

/**
 * After collections, look at the young generation again: after every one while it grows, after
 * full ones (which may shrink it) once it is held. The observer does not keep the process alive.
 */
function watchCollections(): void {
  if (watching) return;
  const { PerformanceObserver, constants } = createRequire(import.meta.url)('node:perf_hooks') as typeof import('node:perf_hooks');
  watching = new PerformanceObserver((list) => {
    if (settings?.growthFactor === 1 && !list.getEntries().some((entry) => (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) return;
    holdYoungGeneration();
  });
  watching.observe({ entryTypes: ['gc'] });
}

function stopWatchingCollections(): void {
  watching?.disconnect();
  watching = undefined;
}

/**
 * Starting a worker thread puts V8's flags back as the command line had them, and the process's own
 * young generation then grows as by default (to some 34 MB at 1,000 agents): the thread's owner
 * calls this as soon as the thread runs, to set ours again. Synchronous, so it can be called before
 * the engine allocates any further.
 */
export function keepHeapAsSet(): void {
  if (readingOnce || settings !== undefined) setOldGrowth();
  if (settings === undefined) return;
  settings.growthFactor = undefined;
  holdYoungGeneration();
}

/**
 * The V8 flags keepHeapAsSet sets, as they stand now, in `v8.setFlagsFromString`'s form: '' while none is
 * set (a process that never called keepHeapSmall nor whileReadingOnce).
 */
export function heapFlagsAsSet(): string {
  const flags: string[] = [];
  if (readingOnce || settings !== undefined) flags.push(`--heap-growing-percent=${oldGrowthPercent()}`);
  if (settings?.growthFactor !== undefined) flags.push(`--semi-space-growth-factor=${settings.growthFactor}`);
  return flags.join(' ');
}

/**
 * How long startThread waits at most for a thread's first line: one that never runs (a machine out of
 * memory) must not stop the engine, which then takes the young generation's growth as it comes.
 */
const FIRST_LINE_WAIT_MS = 2_000;

/**
 * A worker thread that leaves the process's V8 flags as keepHeapAsSet has them: every thread of
 * lemming starts here. Starting a thread puts V8's flags back as the command line had them, and the
 * process's young generation then grows as by default: with the growth factor held at 1, the same
 * allocation left 2 MB of new space in a process that started no thread and 32 MB in one that did.
 * The factor's part is V8's own: making an isolate (Heap::ConfigureHeap, on the thread as it starts)
 * raises the process-wide semi-space growth factor to at least 2, and a scavenge of ours that grows
 * the young generation meanwhile doubles it, for good while turns allocate (V8 shrinks it only when
 * little is allocated; no forced collection shrinks it). So the thread sets the flags again as its
 * first line (they are the process's, whichever thread sets them), and while the young generation is
 * held at its size the owner waits for that line before it allocates again: some 25 ms once a thread
 * (the thread's start runs on another core), where going on at once let a turn of 200 agents grow it
 * from 4 to 8 MB (tests/perf/heap-settings.test.ts, four runs in four at load 10 to 17). The owner
 * sets them once more when it hears it run. `program`: the thread's code, given a `require` whatever
 * `--input-type` the process had, or its module's file; `options.workerData` reaches it as given.
 *
 * The thread takes the process's Node options as Node passes them on by itself: given as `execArgv`,
 * a V8 flag of the command line (`node --max-old-space-size=4096 lemming status`) makes the Worker
 * refuse to start (ERR_WORKER_INVALID_EXEC_ARGV), and every thread of lemming was lost. A process
 * started as an ES module (`node --input-type=module -e`) runs the thread's code as one too, with no
 * `require` of its own: the code is given one.
 */
export function startThread(program: { code: string } | { file: URL }, options: WorkerOptions = {}): Worker {
  const flags = heapFlagsAsSet();
  const first = flags === '' ? '' : `require('node:v8').setFlagsFromString(${JSON.stringify(flags)});\n`;
  // Once the young generation is at its size (factor 1), a growth in the thread's start would double it: wait for the first line.
  const ran = settings?.growthFactor === 1 ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
  // The thread says its first line ran in a word of workerData, and gives its code the workerData it was given (ES modules' view of it too).
  const said = ran === undefined ? '' : "{ const threads = require('node:worker_threads'); const { ran, data } = threads.workerData; threads.workerData = data; require('node:module').syncBuiltinESMExports(); const word = new Int32Array(ran); Atomics.store(word, 0, 1); Atomics.notify(word, 0); }\n";
  const body = 'code' in program ? `${first}${said}${program.code}` : `${first}${said}import(${JSON.stringify(program.file.href)});`;
  const code = `(function (require) {\n${body}\n})(typeof require === 'function' ? require : process.getBuiltinModule('node:module').createRequire(${JSON.stringify(import.meta.url)}));`;
  const thread = new Worker(code, ran === undefined ? { ...options, eval: true } : { ...options, eval: true, workerData: { ran: ran.buffer, data: options.workerData } });
  if (ran !== undefined) {
    Atomics.wait(ran, 0, 0, FIRST_LINE_WAIT_MS);
    keepHeapAsSet();
  }
  thread.once('online', keepHeapAsSet);
  return thread;
}
