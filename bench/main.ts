import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { fileSystemFloor } from './fs-floor.js';
import { figure, showMs, type Figure } from './stats.js';
import type { Job, JobResult } from './worker.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const worker = join(repo, 'dist-bench', 'bench', 'worker.js');
const cli = join(repo, 'dist', 'cli', 'main.js');
// Orgs are built inside the repository, not in the system temp folder: on this machine
// file creation under /tmp is often many times slower than elsewhere on the same disk.
const scratch = process.env.LEMMING_BENCH_DIR ?? join(repo, 'bench', '.work');
// The same workloads on a RAM-backed file system, where present, separate the engine's own cost from the disk's.
const memoryScratch = existsSync('/dev/shm') ? join('/dev/shm', `lemming-bench-${process.pid}`) : undefined;
const WARM_UP_TURNS = 10;
const MEASURED_TURNS = 9;

function runWorker(args: string[], base: string): string {
  return execFileSync(process.execPath, [worker, ...args], { encoding: 'utf8', env: { ...process.env, LEMMING_BENCH_DIR: base }, maxBuffer: 16 * 1024 * 1024 });
}

/** Build the org in one process and run the turns in another, so peak RSS is the engine's alone. */
function runJob(job: Job, keep = false, base = scratch): JobResult {
  const built = JSON.parse(runWorker(['build', JSON.stringify(job)], base)) as { root: string; buildMs: number };
  const result = JSON.parse(runWorker(['run', JSON.stringify(job), built.root, ...(keep ? ['--keep'] : [])], base)) as JobResult;
  return { ...result, buildMs: built.buildMs };
}

function measured(result: JobResult): Figure {
  return figure(result.turnMs.slice(WARM_UP_TURNS));
}

function timeProcess(args: string[], runs: number): Figure {
  const times: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
    times.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  }
  return figure(times);
}

interface Results {
  machine: { cores: number; node: string; platform: string; loadBefore: number[]; loadAfter: number[]; date: string };
  overhead: Array<{ agents: number; history: number; turn: Figure; peakRssMb: number; floor: Figure }>;
  overheadInMemory: Array<{ agents: number; history: number; turn: Figure; peakRssMb: number }>;
  latency: Array<{ agents: number; concurrency: number; turn: Figure; serialMs: number; ratioToSerial: number; target: number }>;
  startup: { nodeBaseline: Figure; status: Figure; runOnce: Figure; agents: number; history: number };
  idle: { agents: number; withMail: number; turn: Figure; reference: Figure; referenceAgents: number };
  offline: { agents: number; turn: Figure; messages: number };
  queue?: import('./queue-bench.js').QueueFigure;
  seconds: number;
}

const started = performance.now();
mkdirSync(scratch, { recursive: true });
const loadBefore = loadavg();
const log = (line: string) => process.stdout.write(`${line}\n`);

log('1/5 engine overhead: one turn, every agent with mail, an instant model');
const overhead: Results['overhead'] = [];
const overheadInMemory: Results['overheadInMemory'] = [];
let bigOrg: string | undefined;
for (const agents of [10, 50, 200, 1000]) {
  const floor = fileSystemFloor(scratch, agents);
  for (const history of [0, 10_000, 100_000]) {
    const keep = agents === 200 && history === 100_000;
    const result = runJob({ agents, history, withMail: agents, provider: 'instant', turns: WARM_UP_TURNS + MEASURED_TURNS }, keep);
    if (keep) bigOrg = result.root;
    overhead.push({ agents, history, turn: measured(result), peakRssMb: result.peakRssMb, floor });
    log(`  disk   N=${agents} H=${history}: ${showMs(measured(result))}, peak RSS ${result.peakRssMb.toFixed(0)} MB (writing ${agents} files alone: ${showMs(floor)})`);
  }
  if (!memoryScratch) continue;
  mkdirSync(memoryScratch, { recursive: true });
  for (const history of [0, 100_000]) {
    const result = runJob({ agents, history, withMail: agents, provider: 'instant', turns: WARM_UP_TURNS + MEASURED_TURNS }, false, memoryScratch);
    overheadInMemory.push({ agents, history, turn: measured(result), peakRssMb: result.peakRssMb });
    log(`  memory N=${agents} H=${history}: ${showMs(measured(result))}, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
  }
}
if (memoryScratch) rmSync(memoryScratch, { recursive: true, force: true });

log('2/5 latency hiding: a model that takes 200 ms, default concurrency');
const latency: Results['latency'] = [];
for (const agents of [5, 20, 100]) {
  const concurrency = 8;
  const result = runJob({ agents, history: 0, withMail: agents, provider: 'slow', delayMs: 200, turns: 3 });
  const turn = figure(result.turnMs);
  const serialMs = agents * 200;
  latency.push({ agents, concurrency, turn, serialMs, ratioToSerial: turn.median / serialMs, target: 1.15 * Math.ceil(agents / concurrency) * 200 });
  log(`  N=${agents}: ${showMs(turn)}; serial would be ${serialMs} ms`);
}

log('3/5 start-up of the built CLI on N=200, H=100,000');
if (!bigOrg) throw new Error('the N=200, H=100,000 org was not kept');
const startup: Results['startup'] = {
  agents: 200,
  history: 100_000,
  nodeBaseline: timeProcess(['-e', '0'], 5),
  status: timeProcess([cli, '--root', bigOrg, 'status'], 5),
  runOnce: timeProcess([cli, '--root', bigOrg, 'run-once'], 3),
};
log(`  node -e 0: ${showMs(startup.nodeBaseline)}; status: ${showMs(startup.status)}; run-once: ${showMs(startup.runOnce)}`);
rmSync(bigOrg, { recursive: true, force: true });

log('4/5 idle cost: N=1,000 with 10 agents that have mail');
const idleResult = runJob({ agents: 1000, history: 0, withMail: 10, provider: 'instant', turns: WARM_UP_TURNS + MEASURED_TURNS });
const referenceResult = runJob({ agents: 10, history: 0, withMail: 10, provider: 'instant', turns: WARM_UP_TURNS + MEASURED_TURNS });
const idle: Results['idle'] = { agents: 1000, withMail: 10, turn: measured(idleResult), reference: measured(referenceResult), referenceAgents: 10 };
log(`  N=1000 with 10 busy: ${showMs(idle.turn)}; N=10 all busy: ${showMs(idle.reference)}`);

log('5/5 the offline model at N=200: the turn in which all 200 answer their mail, in three fresh orgs');
const offlineRuns = [0, 1, 2].map(() => runJob({ agents: 200, history: 0, withMail: 200, provider: 'offline', turns: 1 }));
const offline: Results['offline'] = { agents: 200, turn: figure(offlineRuns.map((run) => run.turnMs[0] ?? 0)), messages: offlineRuns[0]?.called[0] ?? 0 };
log(`  ${showMs(offline.turn)}`);

// Workers over Redis (bench/queue-bench.ts): needs Debian's redis-server, as the tests do.
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
log(hasRedis ? '6 workers over Redis: N=1,000 on a 200 ms model, 4 workers × 16' : '6 workers over Redis: skipped, redis-server is not installed');
const { queueBench, queueMarkdown } = await import('./queue-bench.js');
const queue = hasRedis ? await queueBench(scratch, join(repo, 'dist-bench', 'bench', 'queue-worker.js')) : undefined;
if (queue) log(`  ${showMs(queue.turn)}; target ${queue.target.toFixed(0)} ms`);

const results: Results = {
  machine: { cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}`, loadBefore, loadAfter: loadavg(), date: new Date().toISOString() },
  overhead,
  overheadInMemory,
  latency,
  startup,
  idle,
  offline,
  ...(queue ? { queue } : {}),
  seconds: (performance.now() - started) / 1000,
};

const { renderMarkdown } = await import('./report.js');
const markdown = [renderMarkdown(results), ...(queue ? queueMarkdown(queue) : [])].join('\n');
writeFileSync(join(repo, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(repo, 'bench', 'results.md'), markdown);
log('');
log(markdown);
log(`written bench/results.json and bench/results.md in ${results.seconds.toFixed(0)} s`);

export type { Results };
