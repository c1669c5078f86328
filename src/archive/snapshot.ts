import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../errors.js';
import { loadState } from '../engine/record/state-store.js';
import { readJournal } from '../engine/record/journal.js';
import { acquireLock, LockedError, lockHolder, type OrgLock } from '../engine/record/lock.js';
import { statePaths } from '../engine/record/state-paths.js';
import { enterTurnGateToCopy } from '../engine/record/turn-gate.js';
import { requireOrgRoot } from '../org/must-exist.js';
import { loadOrgFromFiles } from '../org/load-org-once.js';
import type { Org } from '../org/org.js';
import { workspaceLimitsOf } from '../org/workspace-limits.js';
import { registerDotEnv } from '../secrets/key-lookup.js';
import { copyOrgFiles, type OrgFileList } from './org-files.js';
import type { WorkProgress } from '../work-progress.js';
import { HISTORY_BUNDLE_NAME, MANIFEST_NAME, type ExportManifest } from './manifest.js';

/** What a snapshot copied. */
export interface Snapshot {
  manifest: ExportManifest;
  list: OrgFileList;
  /** Files in which a secret's value was found and cut (relative paths). */
  cut: string[];
  /** Whether an engine was running on the org (the copy was taken between two of its turns). */
  running: boolean;
}

/**
 * Copy the org at `root` into the empty folder `staging`, whole turns only: under the turn gate
 * (engine/record/turn-gate.ts), which a running engine releases between turns and waits at while
 * the copy is made, and under the org's lock too when no engine holds it (so none starts half-way).
 * Every value the org's secrets module knows (the variables the org names, its `.env`) is cut
 * from every file copied. Refuses an org a crash left in the middle of a turn: its next run finishes it.
 * With `history`, the org's history goes too, as a bundle beside the manifest (history/history-bundle.ts),
 * taken under the same gate, so it ends with the turn the files stand at.
 */
export async function snapshotOrg(root: string, staging: string, by: ExportManifest['by'], options: { history?: boolean; progress?: WorkProgress } = {}): Promise<Snapshot> {
  requireOrgRoot(root);
  // Loading the org registers its secrets (load-org.ts); the .env's values are registered whatever state the org is in.
  registerDotEnv(root);
  const org = orgOf(root);
  const gate = await enterTurnGateToCopy(root, by);
  try {
    let lock: OrgLock | undefined;
    try {
      lock = acquireLock(root, by);
    } catch (error) {
      if (!(error instanceof LockedError)) throw error;
    }
    try {
      const paths = statePaths(root);
      const state = loadState(paths.state);
      if (readJournal(paths.journal).some((record) => record.type === 'plan' && record.turn === state.turn + 1)) {
        throw new LemmingError(
          'unfinished-turn',
          `${paths.journal}: turn ${state.turn + 1} was left unfinished by a stopped or crashed run; finish it with \`lemming run --turns 1\` (it asks only the calls not yet answered), then ${by} again`,
        );
      }
      const { list, cut } = copyOrgFiles(root, staging, workspaceLimitsOf(org), options.progress);
      const history = options.history ? await bundleHistory(root, join(staging, HISTORY_BUNDLE_NAME), list.bytes) : undefined;
      const manifest: ExportManifest = {
        format: 'lemming-export',
        version: 1,
        ...(org === undefined ? {} : { org: org.name }),
        turn: state.turn,
        taken: new Date().toISOString(),
        by,
        files: list.files.length,
        bytes: list.bytes,
        ...(history === undefined ? {} : { history }),
      };
      writeFileSync(join(staging, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
      return { manifest, list, cut, running: lock === undefined && lockHolder(root) !== undefined };
    } finally {
      lock?.release();
    }
  } finally {
    gate.release();
  }
}

/** The history as a bundle, refused when it holds a secret's value; its modules load only for an export that asks. */
async function bundleHistory(root: string, file: string, orgBytes: number): Promise<NonNullable<ExportManifest['history']>> {
  const { refuseSecretsInHistory } = await import('./history-secrets.js');
  const { writeHistoryBundle } = await import('../history/history-bundle.js');
  const report = writeHistoryBundle(root, file, orgBytes);
  await refuseSecretsInHistory(root);
  return report;
}

/** The org as its files say, for its name and its workspaces' bounds; undefined when they do not load (an export still carries them). */
function orgOf(root: string): Org | undefined {
  try {
    return loadOrgFromFiles(root).org;
  } catch {
    return undefined;
  }
}
