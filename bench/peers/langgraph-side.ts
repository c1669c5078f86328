import { join } from 'node:path';
import type { LangGraphJob } from './langgraph-ring.js';
import { killInStep, steadyRun, type PeerSide, type PeerSetting } from './peer-side.js';
import { accountRing } from './ring-accounting.js';
import { FORK_CHANGE, ringAgents, ringText } from './ring.js';
import { finished, startSide, type SideRun } from './side-process.js';

const runner = join(import.meta.dirname, 'langgraph-ring.js');

/** langgraph-ring.ts in a process of its own; a step's end is its `step` line (step 0 is the input, not a step). */
function langGraph(setting: PeerSetting, job: Omit<LangGraphJob, 'database' | 'thread' | 'url' | 'concurrency'>): SideRun {
  const full: LangGraphJob = { ...job, database: join(setting.scratch, 'checkpoints.sqlite'), thread: 'ring', url: setting.server.url, concurrency: setting.concurrency };
  return startSide([runner, JSON.stringify(full)], {}, (line) => (line as { type?: string; step?: number }).type === 'step' && ((line as { step: number }).step ?? 0) > 0, setting.scratch);
}

type Done = { type: 'done'; messages: Array<{ agent: string; step: number }> };
const doneLine = (run: SideRun): Done => {
  const done = run.lines.find((line) => (line as { type?: string }).type === 'done') as Done | undefined;
  if (!done) throw new Error('the LangGraph.js ring ended without its summary');
  return done;
};

/** LangGraph.js 1.7.3: a StateGraph, the SQLite checkpointer, durability "sync", its model ChatOpenAI (langgraph-ring.ts). */
export const langGraphSide: PeerSide = {
  name: 'LangGraph.js',
  async steady(setting, agents, steps) {
    const run = langGraph(setting, { mode: 'run', agents, steps });
    const { peakRssMb } = await finished(run, 'the LangGraph.js ring');
    return steadyRun(run, peakRssMb, setting.server);
  },
  async fork(setting, agents, steps, at) {
    await finished(langGraph(setting, { mode: 'run', agents, steps }), 'the LangGraph.js ring');
    const before = setting.server.calls.length;
    const changedBody = `${ringText(at, ringAgents(agents)[0] as string)} ${FORK_CHANGE}`;
    await finished(langGraph(setting, { mode: 'fork', agents, steps, forkAt: at, changedBody }), 'the LangGraph.js fork');
    const calls = setting.server.calls.slice(before);
    return { calls: calls.length, sawChange: calls.filter((call) => call.sawChange).length };
  },
  async kill(setting, agents, steps, killAt) {
    const first = langGraph(setting, { mode: 'run', agents, steps });
    const disarm = killInStep(setting.server, agents, killAt, () => first.child.kill('SIGKILL'));
    await first.done;
    if (!disarm()) throw new Error(`the LangGraph.js ring ended before step ${killAt} reached the model`);
    const resumed = langGraph(setting, { mode: 'resume', agents, steps });
    await finished(resumed, 'the LangGraph.js ring (resumed)');
    return accountRing(ringAgents(agents), { first: 1, last: steps }, doneLine(resumed).messages, setting.server.calls);
  },
};
