import { formatProblem } from '../errors.js';
import type { OrgLoadResult } from '../org/load-org.js';
import type { EngineEvent } from './events.js';
import { problemWarning } from './problem-warning.js';

/**
 * What a reload of the org's files means for the next turn, as events. Each file stands on its
 * own, so a reload can take in valid edits (`org-reloaded`) and keep the last valid version of
 * broken files (`org-invalid`) at once. A warning is told once: `warnedAbout` holds those told.
 */
export function orgReloadEvents(loaded: OrgLoadResult, turn: number, warnedAbout: Set<string>): EngineEvent[] {
  const events: EngineEvent[] = [];
  if (loaded.reloaded.length > 0 || loaded.joined.length > 0 || loaded.left.length > 0 || loaded.fixed.length > 0) {
    events.push({ type: 'org-reloaded', turn, files: loaded.reloaded, fixed: loaded.fixed, joined: loaded.joined, left: loaded.left });
  }
  if (loaded.keptLastValid) events.push({ type: 'org-invalid', turn, problems: loaded.problems });
  for (const problem of loaded.problems) {
    if (problem.severity !== 'warning') continue;
    const text = formatProblem(problem);
    if (warnedAbout.has(text)) continue;
    warnedAbout.add(text);
    events.push(problemWarning(problem, turn));
  }
  return events;
}
