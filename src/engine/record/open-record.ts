import type { Org } from '../../org/org.js';
import { ensureStateGitignore } from '../../org/state-gitignore.js';
import { cutTornTail } from '../../storage/whole-records.js';
import type { EngineState } from './engine-state.js';
import { removeJournal, repairJournal, type JournalRecord } from './journal.js';
import type { GatedModels } from '../../providers/create-provider.js';
import { admitJournal } from './journaled-usage.js';
import { sweepAtStart, sweepUnfinishedTurn } from './leftover-temporaries.js';
import { checkRecord } from './record-check.js';
import { loadState } from './state-store.js';
import { statePaths } from './state-paths.js';
import { repairTaken } from './taken-files.js';

/** The record as an engine opening the org finds it: its state, and the journal of a turn to finish (none: empty). */
export interface OpenedRecord {
  state: EngineState;
  journal: JournalRecord[];
  /** What the journal's gate said as it read it back (journaled-usage.ts), for the turn it finishes to say. */
  said: string[];
}

/**
 * Read the org's record back as an engine opens it, repairing what a kill left: the ledger's and
 * taken.jsonl's cut lines, the temporaries of a killed writer, the journal read through its gate. A
 * journal of a turn that already committed (or cut before its plan) is removed; an unfinished turn's
 * files are swept for its finish. The engine holds the lock and the turn gate meanwhile. `gated`: the models
 * whose answers the run's providers pass through the usage gate (journaled-usage.ts).
 */
export function openRecord(root: string, org: Org, gated: GatedModels): OpenedRecord {
  const paths = statePaths(root);
  cutTornTail(paths.ledger);
  // Temporaries a killed writer left: here the few folders any command writes to; below, an unfinished turn's.
  sweepAtStart(root);
  const state = loadState(paths.state, true);
  // Read back through its gate: a figure an older lemming journaled as a server said it is counted as the gate counts it, and said.
  const admitted = admitJournal(repairJournal(paths.journal), org.models, gated);
  const unfinished = admitted.records.find((record) => record.type === 'plan')?.turn;
  // A line appended by a turn that crashed before it committed is cut: that turn appends it again.
  checkRecord(root, org, state, repairTaken(paths.taken, state.takenBytes), unfinished);
  ensureStateGitignore(root);
  const plan = admitted.records.find((record) => record.type === 'plan' && record.turn === state.turn + 1);
  if (plan?.type !== 'plan') {
    removeJournal(paths.journal);
    return { state, journal: [], said: [] };
  }
  sweepUnfinishedTurn(root, plan.calls.map((call) => call.agent));
  return { state, journal: admitted.records, said: admitted.said };
}
