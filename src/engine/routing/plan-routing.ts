import { formatProblem } from '../../errors.js';
import type { Org } from '../../org/org.js';
import { loadRouting } from '../../org/routing/load-routing.js';
import type { RoutingRules } from '../../org/routing/routing-rules.js';
import type { EngineEvent } from '../events.js';
import { problemWarning } from '../problem-warning.js';
import { forgetAtNextCommand } from '../../invocation.js';

/** The rules a turn is planned with: `held` when the file is broken and the last valid version (or none) stands in. */
export interface PlannedRouting {
  rules?: RoutingRules;
  held: boolean;
  events: EngineEvent[];
}

/** Per org root, in this process: the last valid rules, and the problems last told (a broken file is told once, not every turn). */
const lastValid = new Map<string, RoutingRules>();
const lastTold = new Map<string, string>();
forgetAtNextCommand(() => {
  lastValid.clear();
  lastTold.clear();
});

/**
 * Read `org/routing.yaml` as a turn is planned. A broken file keeps the last valid version this
 * process read in force, as a broken chart does, and says so once per change of its problems;
 * with no valid version yet, no rule applies and the mail awaiting an answer keeps waiting.
 */
export function planRouting(root: string, org: Org, turn: number): PlannedRouting {
  const loaded = loadRouting(root, org);
  if (loaded.rules) {
    lastValid.set(root, loaded.rules);
    lastTold.delete(root);
    return { rules: loaded.rules, held: false, events: [] };
  }
  const kept = lastValid.get(root);
  const text = loaded.problems.map(formatProblem).join('\n');
  const events: EngineEvent[] = [];
  if (lastTold.get(root) !== text) {
    lastTold.set(root, text);
    const consequence = kept ? 'its last valid version stays in force until it is fixed' : 'no routing rule applies until it is fixed';
    for (const problem of loaded.problems) events.push(problemWarning(problem, turn, consequence));
  }
  return { ...(kept ? { rules: kept } : {}), held: true, events };
}

/**
 * Whether mail awaiting an answer gives a run work: only while an escalation rule is in force (the
 * file's, or the last valid one while it is broken). A broken file does not keep a run turning.
 */
export function escalationInForce(root: string, org: Org): boolean {
  const loaded = loadRouting(root, org);
  return (loaded.rules ?? lastValid.get(root))?.escalate !== undefined;
}
