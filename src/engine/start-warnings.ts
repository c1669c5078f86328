import { relative } from 'node:path';
import { problemSaidOnOneLine, type Problem } from '../errors.js';
import { mailingListProblems } from '../org/lists/mailing-list.js';
import type { Org } from '../org/org.js';
import type { EngineEvent } from './events.js';
import type { EngineState } from './record/engine-state.js';
import type { OrgLock } from './record/lock.js';
import { statePaths } from './record/state-paths.js';
import { importRouting, routingWanted } from './routing/routing-entry.js';

/**
 * What every run says as it starts, even when no turn runs: the tools' problems (commands that cannot
 * run here and what to install, isolation switched off), a broken org/routing.yaml (each turn's plan
 * reads it again and says a change), and each list file `validate` calls an error (a post to it is
 * refused; one named like an agent, its posts go to the agent). Meetings say theirs each turn
 * (turn/meetings-of-turn.ts). First of all, once, by an engine's first run: the lock it holds was taken
 * over from a process that is gone, a killed engine's (`tookOver`).
 */
export async function* startWarnings(root: string, org: Org, state: EngineState, toolProblems: readonly Problem[], tookOver?: OrgLock['tookOver']): AsyncGenerator<EngineEvent> {
  const turn = state.turn + 1;
  if (tookOver) yield { type: 'warning', turn, file: relative(root, statePaths(root).lock), message: `taken over from process ${tookOver.pid} (\`lemming ${tookOver.command}\`, since ${tookOver.started}), which is gone` };
  for (const problem of toolProblems) yield { type: 'warning', turn, file: problem.file, message: `${problem.field ?? ''} ${problem.message}`.trim() };
  if (routingWanted(root, state)) yield* (await importRouting()).planRouting(root, org, turn).events;
  for (const problem of mailingListProblems(root, org)) {
    if (problem.severity === 'error') yield { type: 'warning', turn, file: problem.file, message: problemSaidOnOneLine(problem) };
  }
}
