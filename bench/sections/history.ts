import { rmSync } from 'node:fs';
import { alternateTurns, buildJobOrg, type BenchContext } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

/** An org with this much history is kept for the start-up section's `status` row. */
export interface KeptOrg {
  root: string;
  agents: number;
  history: number;
}

/**
 * History flatness: turns of an org with no history and of one whose outboxes hold H old
 * messages, taken in alternation in one process (whatever else the machine does weighs on
 * both alike), compared by median. Both orgs are on the RAM disk, which leaves the engine's cost.
 */
export function historyFlatness(context: BenchContext, keep: (org: KeptOrg) => void): Row[] {
  const rows: Row[] = [];
  const storage = context.storages[0];
  if (!storage) return rows;
  const history = context.quick ? 100_000 : 1_000_000;
  const sizes = context.quick ? [200, 1000] : [200, 1000, 10_000];
  for (const agents of sizes) {
    const turns = agents >= 10_000 ? 4 : 10;
    const job = { agents, withMail: agents, provider: 'instant' as const, turns };
    const started = performance.now();
    const roots: [string, string] = [buildJobOrg({ ...job, history: 0 }, storage), buildJobOrg({ ...job, history }, storage)];
    const buildSeconds = (performance.now() - started) / 1000;
    const result = alternateTurns({ ...job, history: 0 }, roots, storage);
    // The first turn of each is a fresh process's: left out, as in the steady rows.
    const without = figure(result.first.slice(1));
    const withHistory = figure(result.second.slice(1));
    const ratio = withHistory.median / without.median;
    const label = `N=${agents.toLocaleString('en-US')}`;
    rows.push({ what: `steady turn, ${label}, H=0`, storage: storage.name, figure: { ms: without } });
    rows.push({ what: `steady turn, ${label}, H=${history.toLocaleString('en-US')}`, storage: storage.name, figure: { ms: withHistory } });
    rows.push({ what: `H=${history.toLocaleString('en-US')} / H=0, ${label}`, storage: storage.name, figure: { ratio, of: 'median turns' }, target: { text: '≤ 1.2×', met: ratio <= 1.2 } });
    context.log(`  N=${agents}: H=0 ${without.median.toFixed(1)} ms, H=${history} ${withHistory.median.toFixed(1)} ms, ratio ${ratio.toFixed(2)} (orgs built in ${buildSeconds.toFixed(0)} s)`);
    rmSync(roots[0], { recursive: true, force: true });
    if (agents === sizes.at(-1)) keep({ root: roots[1], agents, history });
    else rmSync(roots[1], { recursive: true, force: true });
  }
  return rows;
}
