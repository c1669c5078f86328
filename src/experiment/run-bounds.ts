import { join } from 'node:path';
import { readForkOrigin } from '../history/fork-org.js';
import { EXIT, LemmingError } from '../errors.js';
import type { Org } from '../org/org.js';
import { readSavedJson } from '../storage/read-own-file.js';
import { ATTEMPTS_FILE, type RunAttempt } from './run-process.js';

/** Written once a run's copy is complete, so a killed experiment neither redoes nor trusts half a copy. */
export const PREPARED_FILE = 'experiment-prepared.json';

/** The turns a run was allowed, as it was made: the same end condition holds whatever re-runs part of it (a blame's fork). */
export interface RunBounds {
  /** The turn it started after: 0, or the turn of the org it was forked from. */
  fromTurn: number;
  /** The most turns it could run from there. */
  turns: number;
  /** What set them, in words a person finds in a file: the experiment's `turns: 4`, or the org's `engine.max_turns`. */
  by: string;
  /** The last turn it could reach, fromTurn + turns (or the turn it did reach, if later: it was run again by hand). */
  lastTurn: number;
}

/** What an experiment records of a run's bounds in PREPARED_FILE, where the run is made (prepare-run.ts). */
export interface RecordedBounds {
  fromTurn: number;
  turns: number;
  by: string;
}

/**
 * The bounds a run ran under: those its experiment recorded when it made the run (its `turns:`, else the
 * run's own `engine.max_turns`, from the turn it started after); for a run made before they were
 * recorded, the turn its last attempt stopped at when that was the experiment's turn cap; or, for an org run by hand, its
 * org.yaml `engine.max_turns` from turn 0 or from the turn it was forked at. A run that reached a later
 * turn (it was run again) is bounded there. Never the turn a run happened to stop at: a re-run of part
 * of it may take longer to its end, as long as the run itself could have.
 */
export function runBounds(root: string, org: Org, reached: number): RunBounds {
  const bounds: RecordedBounds = recordedBounds(root) ?? stoppedAtCap(root) ?? { fromTurn: readForkOrigin(root)?.turn ?? 0, turns: org.settings.max_turns, by: `${root}/org/org.yaml engine.max_turns ${org.settings.max_turns}` };
  return { ...bounds, lastTurn: Math.max(bounds.fromTurn + bounds.turns, reached) };
}

/**
 * A run an experiment made before its bounds were recorded: when its last attempt stopped at the turn
 * cap the experiment gave it (`--turns`), that turn was its bound. One that fell idle says no bound.
 */
function stoppedAtCap(root: string): RecordedBounds | undefined {
  const last = readSavedJson<RunAttempt[]>(join(root, ATTEMPTS_FILE))?.at(-1)?.finished;
  if (last?.type !== 'run-finished' || last.reason !== 'turn-cap' || last.cap?.by !== 'turns' || !isTurnCount(last.lastTurn)) return undefined;
  const forked = readSavedJson<{ forkedAfterTurn?: unknown }>(join(root, PREPARED_FILE))?.forkedAfterTurn;
  const fromTurn = isTurnCount(forked) && forked <= last.lastTurn ? forked : 0;
  return { fromTurn, turns: last.lastTurn - fromTurn, by: `${join(root, ATTEMPTS_FILE)}: the run stopped at its turn cap, turn ${last.lastTurn}` };
}

const isTurnCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** The bounds PREPARED_FILE holds, checked: a run prepared before they were recorded has none. */
function recordedBounds(root: string): RecordedBounds | undefined {
  const file = join(root, PREPARED_FILE);
  const bounds = readSavedJson<{ bounds?: unknown }>(file)?.bounds;
  if (bounds === undefined) return undefined;
  const { fromTurn, turns, by } = (bounds ?? {}) as Partial<Record<keyof RecordedBounds, unknown>>;
  if (isTurnCount(fromTurn) && isTurnCount(turns) && turns >= 1 && typeof by === 'string') return { fromTurn, turns, by };
  throw new LemmingError('run-bounds-invalid', `${file}: bounds: ${JSON.stringify(bounds)} is not a run's bounds; it holds whole numbers, for example "bounds": { "fromTurn": 0, "turns": 4, "by": "study.yaml turns: 4" }`, { exitCode: EXIT.usage });
}
