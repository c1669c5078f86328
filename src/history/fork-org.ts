import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fromWorkingFolder } from '../invocation.js';
import { requireOutsideOtherOrgs } from '../org/org-folder.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { gitSync } from './git.js';
import { HISTORY_REF, historyPlace } from './history-paths.js';
import { materialiseTurn, requireEmptyFolder } from './materialise-turn.js';
import { ensureStore, recordEntry } from './record-entry.js';
import type { EntrySummary } from './history-entry.js';
import { readSavedJson } from '../storage/read-own-file.js';
import { EXIT, LemmingError } from '../errors.js';
import { stateTurn } from '../engine/record/state-store.js';
import { statePaths } from '../engine/record/state-paths.js';

/** Where a fork came from: `org/state/forked-from.json`, part of its record (it travels with the fork). */
export interface ForkOrigin {
  /** The org it was forked from (an absolute path, as it was then). */
  from: string;
  /** The turn it was forked after: the fork's next run is turn `turn + 1`. */
  turn: number;
  /** The original's history entry the fork was written from. */
  commit: string;
  /** When (ISO). */
  forked: string;
}

/** Where a fork's origin is kept. */
export function forkOriginPath(root: string): string {
  return statePaths(root).forkedFrom;
}

/** The origin of a fork, or undefined for an org that is not one. */
export function readForkOrigin(root: string): ForkOrigin | undefined {
  try {
    return readSavedJson<ForkOrigin>(forkOriginPath(root));
  } catch {
    return undefined;
  }
}

/**
 * Write the org at `from` as it was after turn `turn` as a new, ordinary org at `destination`, with
 * the hand edits made before turn `turn + 1` (a mail the human sent, a resume changed): the org as
 * the original's next turn found it, so the fork's turn `turn + 1` is the original's. Its
 * files from the history (materialiseTurn), where it came from (`org/state/forked-from.json`), and
 * its history up to that turn, with a first entry of its own saying it is a fork. A `lemming run`
 * there goes on from turn `turn + 1`. The original is only read: a run may go on in it meanwhile.
 * With `history: false` (blame's forks, which are many and end where they end) the fork gets no
 * history store: the same org, without `history`, `show --at` or `fork` of its earlier turns.
 * Relative folders are taken from the current folder, as `--root` is.
 */
export async function forkOrg(
  from: string,
  turn: number,
  destination: string,
  clock: () => Date = () => new Date(),
  options: { history?: boolean } = {},
): Promise<{ origin: ForkOrigin; entry: EntrySummary | undefined }> {
  const source = fromWorkingFolder(from);
  const target = fromWorkingFolder(destination);
  requireOutsideOtherOrgs(target);
  requireEmptyFolder(target);
  let written = false;
  try {
    written = true;
    const entry = materialiseTurn(source, turn, target, { editsBefore: true });
    // The entry's turn is its commit message's word, which git lets anyone rewrite; its record is what a run goes on from.
    const recorded = stateTurn(statePaths(target).state);
    if (recorded !== turn) {
      throw new LemmingError(
        'broken-history',
        `history entry ${entry.commit.slice(0, 7)} of ${source} says it is turn ${turn}, but the record it holds (org/state/engine.json) stands at turn ${recorded}: its Lemming-Entry line was edited; fork at a turn whose entry holds it (\`lemming history --root ${source}\` lists them)`,
        { exitCode: EXIT.usage },
      );
    }
    const origin: ForkOrigin = { from: source, turn, commit: entry.commit, forked: clock().toISOString() };
    writeFileAtomic(forkOriginPath(target), `${JSON.stringify(origin, null, 2)}\n`);
    if (options.history === false) return { origin, entry: undefined };
    // The history up to the fork point, so `history`, `show --at` and `fork` work on the fork's earlier turns too.
    const place = historyPlace(target);
    await ensureStore(place);
    gitSync({ gitDir: historyPlace(source).gitDir }, ['push', '--quiet', place.gitDir, `${entry.commit}:${HISTORY_REF}`]);
    const summary = await recordEntry(target, { kind: 'fork', turn, note: `Forked from ${source} after turn ${turn} (its history entry ${entry.commit}).` });
    return { origin, entry: summary };
  } catch (error) {
    // A fork half-written is no fork: the folder is left as it was found (new or empty).
    if (written) for (const name of ['org', 'agents', 'workspace']) rmSync(join(target, name), { recursive: true, force: true });
    throw error;
  }
}
