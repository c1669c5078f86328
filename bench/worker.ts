import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src/engine/engine.js';
import type { TurnStats } from '../src/engine/events.js';
import { OfflineProvider } from '../src/providers/offline/offline-provider.js';
import type { Provider } from '../src/providers/provider.js';
import { NextAgentProvider } from './bench-providers.js';
import { agentName, buildOrg, type OrgShape } from './build-org.js';

/** One benchmark job, run in a process of its own so its peak RSS is its own. */
export interface Job extends OrgShape {
  provider: 'instant' | 'slow' | 'offline';
  delayMs?: number;
  turns: number;
}

export interface JobResult {
  turnMs: number[];
  called: number[];
  buildMs: number;
  openMs: number;
  peakRssMb: number;
  root?: string;
}

/** Build the job's org in a fresh folder and return it (its own process, so its memory is not counted). */
function buildJob(job: Job): { root: string; buildMs: number } {
  const root = mkdtempSync(join(process.env.LEMMING_BENCH_DIR ?? tmpdir(), 'lemming-bench-'));
  const buildStart = performance.now();
  buildOrg(root, job);
  return { root, buildMs: performance.now() - buildStart };
}

async function runJob(job: Job, root: string, keep: boolean): Promise<JobResult> {
  const buildMs = 0;
  const names = Array.from({ length: job.agents }, (_, index) => agentName(index));
  const provider: Provider = job.provider === 'offline' ? new OfflineProvider() : new NextAgentProvider(names, job.provider === 'slow' ? (job.delayMs ?? 200) : 0);
  const openStart = performance.now();
  const engine = Engine.open({ root, providerFactory: () => provider, command: 'bench' });
  const openMs = performance.now() - openStart;
  const turnMs: number[] = [];
  const called: number[] = [];
  try {
    for (let index = 0; index < job.turns; index += 1) {
      const result: { stats: TurnStats } = { stats: { called: 0, skipped: 0, delivered: 0, fromHuman: 0, refused: 0, errors: 0, inputTokens: 0, outputTokens: 0, credits: 0, durationMs: 0 } };
      const start = performance.now();
      for await (const event of engine.turn(result)) void event;
      turnMs.push(performance.now() - start);
      called.push(result.stats.called);
    }
  } finally {
    engine.close();
  }
  if (!keep) rmSync(root, { recursive: true, force: true });
  return { turnMs, called, buildMs, openMs, peakRssMb: process.resourceUsage().maxRSS / 1024, ...(keep ? { root } : {}) };
}

const [mode, jobText, root, keepFlag] = process.argv.slice(2);
const job = JSON.parse(jobText ?? '{}') as Job;
const work = mode === 'build' ? Promise.resolve(buildJob(job)) : runJob(job, root ?? '', keepFlag === '--keep');
work.then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
