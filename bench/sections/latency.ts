import { type BenchContext, runJob } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

/** Latency hiding: a model that takes 200 ms per call, with the default concurrency of 8. */
export function latencyHiding(context: BenchContext): Row[] {
  const rows: Row[] = [];
  const storage = context.storages.at(-1);
  if (!storage) return rows;
  const concurrency = 8;
  for (const agents of [5, 20, 100]) {
    const result = runJob({ agents, history: 0, withMail: agents, provider: 'slow', delayMs: 200, turns: 3 }, storage);
    const turn = figure(result.turnMs);
    const limit = 1.15 * Math.ceil(agents / concurrency) * 200;
    rows.push({
      what: `turn, N=${agents}, a 200 ms model, concurrency ${concurrency} (one call after another: ${agents * 200} ms)`,
      storage: storage.name,
      figure: { ms: turn },
      target: { text: `≤ 1.15 × ⌈N/8⌉ × 200 ms (${limit.toFixed(0)} ms)`, met: turn.median <= limit },
    });
    context.log(`  N=${agents}: ${turn.median.toFixed(0)} ms (target ${limit.toFixed(0)} ms)`);
  }
  return rows;
}
