import { problemOnOneLine, problemPlace, problemSaid, type Problem } from '../errors.js';
import type { EngineEvent } from './events.js';

/**
 * A problem of a file the run reads, as the warning a run prints (`warning: FILE:LINE: FIELD: MESSAGE`):
 * the place once, in the event's `file`, never again in its message. `consequence` says what the run
 * does meanwhile, after the problem's first line (`lemming validate` shows its example). Pure.
 */
export function problemWarning(problem: Problem, turn: number, consequence?: string): EngineEvent {
  const said = problemSaid(problem);
  return { type: 'warning', turn, file: problemPlace(problem), message: consequence === undefined ? said : `${problemOnOneLine(said)}; ${consequence}` };
}
