import { rmSync } from 'node:fs';
import { buildJobOrg, runTurns, type BenchContext } from '../context.js';
import type { Job } from '../worker.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

const WARM_UP = 2;
const MEASURED = 5;

/**
 * A population run as a sample a turn (org.yaml `engine.activation`, as OASIS runs its millions):
 * 100,000 agents every one of whom has a letter waiting, each acting in a turn with probability 1 %,
 * beside an org of 1,000 agents all acting (the same calls a turn, no draw and no one waiting).
 */
export function activation(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const agents = context.quick ? 10_000 : 100_000;
  const share = 0.01;
  const rows: Row[] = [];
  const sampled: Job = { agents, history: 0, withMail: agents, activation: share, provider: 'instant', turns: WARM_UP + MEASURED };
  const alone: Job = { agents: agents * share, history: 0, withMail: agents * share, provider: 'instant', turns: WARM_UP + MEASURED };
  for (const [label, job] of [
    [`N=${agents.toLocaleString('en-US')}, every agent with work, activation probability ${share}`, sampled],
    [`N=${(agents * share).toLocaleString('en-US')}, every agent with work and acting (no activation)`, alone],
  ] as const) {
    const root = buildJobOrg(job, storage);
    try {
      const result = runTurns(job, root, storage);
      const steady = figure(result.turnMs.slice(WARM_UP));
      const called = result.called.slice(WARM_UP);
      context.log(`  ${label}: steady turn ${steady.median.toFixed(0)} ms, agents called a turn ${called.join(', ')}, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
      rows.push(
        { what: `steady turn, ${label}`, storage: storage.name, figure: { ms: steady } },
        { what: `agents called a steady turn, ${label} (median)`, figure: { count: [...called].sort((left, right) => left - right)[Math.floor(called.length / 2)] ?? 0, unit: 'agents' } },
        { what: `peak RSS of the turns, ${label}`, figure: { mb: result.peakRssMb } },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return rows;
}
