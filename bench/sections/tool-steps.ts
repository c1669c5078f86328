import { type BenchContext, runJob, type Storage } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

const WARM_UP = 10;

/** The two rows of one storage: the turn without a tool step, and with one per agent. */
function onStorage(context: BenchContext, storage: Storage): Row[] {
  const shape = { agents: 200, history: 0, withMail: 200, turns: WARM_UP + 9 };
  const plain = figure(runJob({ ...shape, provider: 'instant' }, storage).turnMs.slice(WARM_UP));
  const acting = figure(runJob({ ...shape, provider: 'tool-step', tools: ['send_message', 'write_file'] }, storage).turnMs.slice(WARM_UP));
  const ratio = acting.median / plain.median;
  context.log(`  ${storage.name}: N=200 one tool step each: ${acting.median.toFixed(1)} ms; without: ${plain.median.toFixed(1)} ms (${ratio.toFixed(2)}×)`);
  return [
    { what: 'turn, N=200, all with mail, no tools', storage: storage.name, figure: { ms: plain } },
    {
      what: 'turn, N=200, all with mail, one tool step each (write_file, then send)',
      storage: storage.name,
      figure: { ms: acting },
      target: { text: `≤ 2 × the turn without (${(2 * plain.median).toFixed(1)} ms; ${ratio.toFixed(2)}×)`, met: acting.median <= 2 * plain.median },
    },
  ];
}

/**
 * Agents that act: N=200, every agent with mail, each writing a file in one tool step
 * (journaled answer, file written atomically, result journaled, a second call) before it
 * passes work on, against the same turn without the tool step; on every storage, since the
 * step's extra writes weigh differently on the RAM disk and on the disk.
 */
export function toolSteps(context: BenchContext): Row[] {
  return context.storages.flatMap((storage) => onStorage(context, storage));
}
