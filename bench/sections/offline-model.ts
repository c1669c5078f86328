import { type BenchContext, runJob } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

/** The offline model at N=200: the turn in which all 200 read their mail and answer it, in three fresh orgs. */
export function offlineModel(context: BenchContext): Row[] {
  const storage = context.storages.at(-1);
  if (!storage) return [];
  const runs = [0, 1, 2].map(() => runJob({ agents: 200, history: 0, withMail: 200, provider: 'offline', turns: 1 }, storage));
  const turn = figure(runs.map((run) => run.turnMs[0] ?? 0));
  context.log(`  ${turn.median.toFixed(1)} ms`);
  return [{ what: 'first turn of a fresh org and process, N=200, the offline model', storage: storage.name, figure: { ms: turn }, floor: context.floor(storage, 200).total }];
}
