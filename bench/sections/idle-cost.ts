import { type BenchContext, runJob } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

const WARM_UP = 10;

/** Idle agents cost next to nothing: 1,000 agents of which 10 have mail, against 10 agents that all have mail. */
export function idleCost(context: BenchContext): Row[] {
  const storage = context.storages.at(-1);
  if (!storage) return [];
  const busy = runJob({ agents: 1000, history: 0, withMail: 10, provider: 'instant', turns: WARM_UP + 9 }, storage);
  const reference = runJob({ agents: 10, history: 0, withMail: 10, provider: 'instant', turns: WARM_UP + 9 }, storage);
  const turn = figure(busy.turnMs.slice(WARM_UP));
  const alone = figure(reference.turnMs.slice(WARM_UP));
  context.log(`  N=1000 with 10 busy: ${turn.median.toFixed(1)} ms; N=10 all busy: ${alone.median.toFixed(1)} ms`);
  return [
    { what: 'turn, N=10, all with mail', storage: storage.name, figure: { ms: alone } },
    { what: 'turn, N=1,000, 10 with mail', storage: storage.name, figure: { ms: turn }, target: { text: 'about what 10 agents cost (< 5×)', met: turn.median < 5 * alone.median } },
  ];
}
