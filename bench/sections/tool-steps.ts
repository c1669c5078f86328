import { type BenchContext, runJob } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

const WARM_UP = 10;

/**
 * Agents that act: N=200, every agent with mail, each writing a file in one tool step
 * (journaled answer, file written atomically, result journaled, a second call) before it
 * passes work on, against the same turn without the tool step.
 */
export function toolSteps(context: BenchContext): Row[] {
  const storage = context.storages.at(-1);
  if (!storage) return [];
  const shape = { agents: 200, history: 0, withMail: 200, turns: WARM_UP + 9 };
  const plain = figure(runJob({ ...shape, provider: 'instant' }, storage).turnMs.slice(WARM_UP));
  const acting = figure(runJob({ ...shape, provider: 'tool-step', tools: ['send_message', 'write_file'] }, storage).turnMs.slice(WARM_UP));
  context.log(`  N=200 one tool step each: ${acting.median.toFixed(1)} ms; without: ${plain.median.toFixed(1)} ms`);
  return [
    { what: 'turn, N=200, all with mail, no tools', storage: storage.name, figure: { ms: plain } },
    {
      what: 'turn, N=200, all with mail, one tool step each (write_file, then send)',
      storage: storage.name,
      figure: { ms: acting },
      target: { text: `≤ 2 × the turn without (${(2 * plain.median).toFixed(1)} ms)`, met: acting.median <= 2 * plain.median },
    },
  ];
}
