import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repo, type BenchContext } from '../context.js';
import type { Row, Target } from '../row.js';
import { figure, type Figure } from '../stats.js';

/** The slowest answer within `limit` ms: the bound an operator's probe holds the server to. */
function slowestAtMost(value: Figure, limit: number): Target {
  return { text: `≤ ${limit} ms, the slowest`, met: value.max <= limit };
}

/** The dashboard's answers while `run --serve` is busy (bench/busy-dashboard-bench.ts, a process of its own), and a stop by SIGTERM mid-turn. */
export function busyDashboard(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const output = execFileSync(process.execPath, [join(repo, 'dist-bench', 'bench', 'busy-dashboard-bench.js')], {
    encoding: 'utf8',
    env: { ...process.env, LEMMING_BENCH_DIR: storage.directory },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const results = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { agents: number; healthz: number[]; status: number[]; stopMs: number };
  const healthz = figure(results.healthz);
  const status = figure(results.status);
  context.log(`  /healthz ${healthz.median.toFixed(1)} ms (slowest ${healthz.max.toFixed(0)} ms, ${healthz.runs} requests); /api/status ${status.median.toFixed(1)} ms (slowest ${status.max.toFixed(0)} ms); stop ${results.stopMs.toFixed(0)} ms`);
  const one = (ms: number): Figure => ({ median: ms, min: ms, max: ms, runs: 1 });
  return [
    { what: `GET /healthz during busy turns of run --serve, N=${results.agents} on the offline model, requests one after another`, storage: storage.name, figure: { ms: healthz }, target: slowestAtMost(healthz, 200) },
    { what: `GET /api/status during the same turns`, storage: storage.name, figure: { ms: status }, target: slowestAtMost(status, 200) },
    { what: 'SIGTERM in a busy turn until the process is gone (the turn journaled, exit 0)', storage: storage.name, figure: { ms: one(results.stopMs) }, target: { text: '≤ 8 s (engine.shutdown_seconds)', met: results.stopMs <= 8000 } },
  ];
}
