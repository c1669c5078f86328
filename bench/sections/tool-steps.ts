import { rmSync } from 'node:fs';
import { alternateTurns, buildJobOrg, type BenchContext, type Storage } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

const WARM_UP = 10;
// More than the steady rows: the disk's figures swing with what else the machine writes.
const MEASURED = 15;
const TOOLS = ['send_message', 'write_file'];

/**
 * The two rows of one storage: the turn without a tool step and with one per agent, taken
 * in alternation in one process, so whatever else the machine does weighs on both alike.
 */
function onStorage(context: BenchContext, storage: Storage): Row[] {
  const shape = { agents: 200, history: 0, withMail: 200, turns: WARM_UP + MEASURED };
  const roots: [string, string] = [buildJobOrg({ ...shape, provider: 'instant' }, storage), buildJobOrg({ ...shape, provider: 'tool-step', tools: TOOLS }, storage)];
  try {
    const result = alternateTurns({ ...shape, provider: 'instant', secondProvider: 'tool-step' }, roots, storage);
    const plain = figure(result.first.slice(WARM_UP));
    const acting = figure(result.second.slice(WARM_UP));
    const ratio = acting.median / plain.median;
    // Writing one small file in each of 200 folders: the turn without tools writes one per agent, the step one more.
    const floor = context.floor(storage, 200).total;
    context.log(`  ${storage.name}: N=200 one tool step each: ${acting.median.toFixed(1)} ms; without: ${plain.median.toFixed(1)} ms (${ratio.toFixed(2)}×)`);
    return [
      { what: 'turn, N=200, all with mail, no tools', storage: storage.name, figure: { ms: plain }, floor },
      { what: 'turn, N=200, all with mail, one tool step each (write_file, then send)', storage: storage.name, figure: { ms: acting }, floor },
      { what: 'one tool step each / no tools, N=200', storage: storage.name, figure: { ratio, of: 'median turns' }, target: { text: '≤ 2×', met: ratio <= 2 } },
    ];
  } finally {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  }
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
