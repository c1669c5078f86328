import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src/engine/engine.js';
import { createRunProviderFactory } from '../src/queue/queue-provider-factory.js';
import { startRedis } from '../tests/helpers/redis-server.js';
import { buildOrg } from './build-org.js';
import { figure, type Figure } from './stats.js';

/** The queue row of `npm run bench`: a turn of N agents on a slow model, its calls made by worker processes. */
export interface QueueFigure {
  agents: number;
  workers: number;
  concurrency: number;
  delayMs: number;
  turn: Figure;
  /** 1.3 × ⌈N / (workers × concurrency)⌉ × delay. */
  target: number;
}

const AGENTS = 1000;
const WORKERS = 4;
const CONCURRENCY = 16;
// LEMMING_BENCH_QUEUE_DELAY_MS=0 leaves only the queue's own cost per turn (serialising ~14 KB prompts, Redis round trips).
const DELAY_MS = Number(process.env.LEMMING_BENCH_QUEUE_DELAY_MS ?? 200);
const MEASURED_TURNS = 3;

function startWorkerProcess(script: string, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, url, String(CONCURRENCY), String(DELAY_MS), String(AGENTS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`a queue worker exited with ${code} before it served`)));
  });
}

/**
 * N = 1,000 agents, every one with mail, on a model that takes 200 ms, its calls made by 4
 * worker processes with concurrency 16 each, through a redis-server of the benchmark's own.
 * The first turn (the workers find the queue, code compiles) is not measured; each turn
 * after it is the same workload, since every agent's answer is the next agent's mail.
 */
export async function queueBench(scratch: string, workerScript: string): Promise<QueueFigure> {
  const redis = await startRedis();
  const root = mkdtempSync(join(scratch, 'lemming-bench-queue-'));
  const workers: ChildProcess[] = [];
  try {
    buildOrg(root, { agents: AGENTS, history: 0, withMail: AGENTS });
    // Twice the workers' slots in flight, so a worker that finishes a call finds the next job waiting.
    const orgYaml = join(root, 'org', 'org.yaml');
    writeFileSync(orgYaml, readFileSync(orgYaml, 'utf8').replace('concurrency: 8', `concurrency: ${2 * WORKERS * CONCURRENCY}`));
    const providerFactory = createRunProviderFactory({ root, queue: redis.url });
    const engine = Engine.open({ root, providerFactory, command: 'bench' });
    const turnMs: number[] = [];
    try {
      const turn = async (): Promise<number> => {
        let called = 0;
        let errors = 0;
        const start = performance.now();
        for await (const event of engine.turn()) {
          if (event.type === 'agent-called') called += 1;
          if (event.type === 'agent-error') errors += 1;
        }
        if (called !== AGENTS || errors > 0) throw new Error(`a queue turn called ${called} agents with ${errors} error(s)`);
        return performance.now() - start;
      };
      const firstTurn = turn();
      for (let index = 0; index < WORKERS; index += 1) workers.push(await startWorkerProcess(workerScript, redis.url));
      await firstTurn;
      for (let index = 0; index < MEASURED_TURNS; index += 1) turnMs.push(await turn());
    } finally {
      engine.close();
      await providerFactory.close();
    }
    return {
      agents: AGENTS,
      workers: WORKERS,
      concurrency: CONCURRENCY,
      delayMs: DELAY_MS,
      turn: figure(turnMs),
      target: 1.3 * Math.ceil(AGENTS / (WORKERS * CONCURRENCY)) * DELAY_MS,
    };
  } finally {
    for (const worker of workers) worker.kill('SIGKILL');
    await redis.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

// Run as a script (by bench/sections/queue-workers.ts): `queue-bench.js SCRATCH`, prints the figure as JSON.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const worker = join(fileURLToPath(new URL('.', import.meta.url)), 'queue-worker.js');
  process.stdout.write(`${JSON.stringify(await queueBench(process.argv[2] ?? '.', worker))}\n`);
}
