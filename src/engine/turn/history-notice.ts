import { HUMAN } from '../../org/names.js';
import type { EngineState } from '../record/engine-state.js';
import { makeNotice } from './notices.js';

/**
 * The human's notice that the org's history could not record a turn (history/history-writer.ts): what
 * failed, that the run went on, and that the next turn tries again; one per turn it happened after, so
 * a history that stays broken does not fill the inbox. Undefined when nothing failed. Pure.
 */
export function historyNotice(failed: readonly string[], lastTurn: number): EngineState['humanNotices'][number] | undefined {
  if (failed.length === 0) return undefined;
  const subject = `The history did not record turn ${lastTurn}`;
  const body = [
    `The org's history (org/state/history.git) could not record what turn ${lastTurn} left; the run went on, and the record of the turn is whole.`,
    ...failed.map((line) => `- ${line}`),
    'The next turn records the org as it then stands, this turn\'s changes with it; `lemming status` says whether the history is behind, and `lemming history` lists what it holds.',
  ].join('\n');
  const notice = makeNotice(lastTurn, HUMAN, 'history', 1, subject, body);
  return { id: notice.id, turn: lastTurn, subject, body };
}
