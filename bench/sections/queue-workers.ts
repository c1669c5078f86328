import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type BenchContext, repo } from '../context.js';
import type { QueueFigure } from '../queue-bench.js';
import type { Row } from '../row.js';

/**
 * Workers over Redis: N = 1,000 agents on a 200 ms model, 4 `lemming worker` processes with
 * concurrency 16 (bench/queue-bench.ts, in a process of its own). Needs Debian's redis-server.
 */
export function queueWorkers(context: BenchContext): Row[] {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    context.log('  skipped: redis-server is not installed (apt-get install redis-server)');
    return [];
  }
  const storage = context.storages.at(-1);
  if (!storage) return [];
  const script = join(repo, 'dist-bench', 'bench', 'queue-bench.js');
  const row = JSON.parse(execFileSync(process.execPath, [script, storage.directory], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })) as QueueFigure;
  context.log(`  N=${row.agents}: ${row.turn.median.toFixed(0)} ms (target ${row.target.toFixed(0)} ms)`);
  return [
    {
      what: `turn, N=${row.agents}, a ${row.delayMs} ms model, ${row.workers} worker processes × concurrency ${row.concurrency} over Redis`,
      storage: storage.name,
      figure: { ms: row.turn },
      target: { text: `≤ 1.3 × ⌈N/${row.workers * row.concurrency}⌉ × ${row.delayMs} ms (${row.target.toFixed(0)} ms)`, met: row.turn.median <= row.target },
    },
  ];
}
