import { readSavedJson } from '../../storage/read-own-file.js';
import { statePaths } from './state-paths.js';

/**
 * The turn after which the org's run began: a fork's fork point (`org/state/forked-from.json`, whose turns up to
 * it are the original's), -1 for an org that is not a fork. An experiment's run forked from a turn measures the
 * turns after it (experiment/run-metrics.ts), so what a run's lines name is counted from here.
 */
export function runStartTurn(root: string): number {
  const turn = readSavedJson<{ turn?: unknown }>(statePaths(root).forkedFrom)?.turn;
  return typeof turn === 'number' && Number.isSafeInteger(turn) && turn >= 0 ? turn : -1;
}
