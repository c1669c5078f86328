import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSavedJson } from '../storage/read-own-file.js';

/**
 * Whether the history is behind the record because an entry could not be written, kept as a file in
 * the history's own store (machine-local: it says what this machine's store lacks): written when an
 * entry fails, removed when one is written after it. `lemming status` reads it, so a person who did
 * not watch the run hears of it; the run said it as it happened, and the human's inbox has a notice.
 */
export interface HistoryBehind {
  /** The last turn the engine committed when the entry failed. */
  turn: number;
  problem: string;
  at: string;
}

function markerOf(root: string): string {
  // The store's path spelt here: `status` reads this without loading the history's modules.
  return join(root, 'org', 'state', 'history.git', 'lemming-behind.json');
}

/** What the history failed to write, if it is still behind; undefined when it is not (or keeps no history). */
export function historyBehind(root: string): HistoryBehind | undefined {
  try {
    const value = readSavedJson<Partial<HistoryBehind>>(markerOf(root)) ?? {};
    return typeof value.turn === 'number' && typeof value.problem === 'string' ? { turn: value.turn, problem: value.problem, at: String(value.at ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

/** Say the history is behind since `turn`; the first failure of a stretch is kept (it says since when). */
export function markHistoryBehind(root: string, turn: number, problem: string): void {
  if (historyBehind(root) !== undefined) return;
  try {
    writeFileSync(markerOf(root), `${JSON.stringify({ turn, problem, at: new Date().toISOString() })}\n`);
  } catch {
    // A store that cannot be written at all: the run's output says so each turn.
  }
}

/** The history caught up: an entry was written after the failure. */
export function clearHistoryBehind(root: string): void {
  rmSync(markerOf(root), { force: true });
}
