import { nameRecord } from '../../org/names.js';
import { readdirSync, rmSync } from 'node:fs';
import { LemmingError } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { removeRecord } from '../../storage/record-pieces.js';
import { parseMessageFileName } from '../../mailbox/message.js';
import { isMessageFileName } from '../../mailbox/outbox-scan.js';
import { loadOrg } from '../../org/load-org-once.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import { initialState, stateFromJson, type EngineState } from './engine-state.js';
import { loadState, saveState } from './state-store.js';
import { caughtUp, emptySnapshot, ledgerEnd } from '../money/ledger.js';
import { acquireLock } from './lock.js';
import { agentPaths, statePaths } from './state-paths.js';
import { forgetTaken, repairTaken } from './taken-files.js';
import { readOwnCache } from '../../storage/read-own-file.js';

/** What `adoptOrg` did. */
export interface AdoptReport {
  /** The last turn the org is now taken to have run; the next run starts with the one after. */
  turn: number;
  /** Message files taken in as history, and in how many outboxes. */
  files: number;
  outboxes: number;
  /** Unread mail kept from a state an earlier lemming wrote. */
  keptPending: number;
  /** Whether a ledger was found (balances go on from it) or not (they start from the budgets). */
  ledger: boolean;
}

/**
 * Take every message file now in the outboxes as history, so an org copied or cloned
 * without its record (or left by an earlier lemming) runs on without delivering old
 * mail again: the record of files taken in is written anew, the turn moves past the
 * newest file's, and every agent joins. The ledger is kept as it is; unread mail is kept
 * when an earlier lemming's state holds it. Refuses an org whose record is whole.
 */
export function adoptOrg(root: string): AdoptReport {
  requireOrgRoot(root);
  const lock = acquireLock(root, 'adopt');
  try {
    const { org } = loadOrg(root);
    const paths = statePaths(root);
    const previous = readPrevious(paths.state, paths.taken);
    const files = nameRecord<string[]>();
    let count = 0;
    let turn = previous?.turn ?? 0;
    for (const agent of org.agents.keys()) {
      let names: string[];
      try {
        names = readdirSync(agentPaths(root, agent).outbox).filter(isMessageFileName).sort();
      } catch {
        continue;
      }
      if (names.length === 0) continue;
      files[agent] = names;
      count += names.length;
      for (const name of names) turn = Math.max(turn, parseMessageFileName(name)?.turn ?? 0);
    }
    const takenText = `${JSON.stringify({ turn, files })}\n`;
    // Written again whole: its earlier pieces go first, so a kill leaves a record too short to run from, never one of two.
    removeRecord(paths.taken);
    writeFileAtomic(paths.taken, takenText);
    forgetTaken(paths.taken);
    const ledgerFound = ledgerEnd(paths.ledger) > 0;
    const state: EngineState = {
      ...initialState(),
      ...(previous ?? {}),
      version: 2,
      turn,
      members: [...org.agents.keys()].sort(),
      takenBytes: Buffer.byteLength(takenText),
      ledger: caughtUp(paths.ledger, emptySnapshot()),
    };
    saveState(paths.state, state);
    // What this machine knew of the folders, and any half-done turn, belong to the org as it was.
    rmSync(paths.cache, { recursive: true, force: true });
    rmSync(paths.journal, { force: true });
    return { turn, files: count, outboxes: Object.keys(files).length, keptPending: state.pending.length, ledger: ledgerFound };
  } finally {
    lock.release();
  }
}

/** The state to keep: an earlier lemming's (its unread mail stands), or none; a whole record is refused. */
function readPrevious(statePath: string, takenPath: string): Omit<EngineState, 'version'> | undefined {
  // A state no one can read (or not a file of lemming's) holds nothing to keep.
  const text = readOwnCache(statePath);
  if (text === undefined) return undefined;
  let data: { version?: unknown } & Partial<EngineState>;
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    return undefined; // A state no one can read holds nothing to keep.
  }
  if (data.version === 2 || data.version === 3) {
    const state = loadState(statePath, true);
    if (repairTaken(takenPath, state.takenBytes) >= state.takenBytes) {
      throw new LemmingError(
        'nothing-to-adopt',
        `this org has its record (turn ${state.turn}; org/state/engine.json and taken.jsonl agree), so there is nothing to adopt: \`lemming run\` goes on from it`,
      );
    }
    return state;
  }
  const { version: _version, ...rest } = data as EngineState & { outboxes?: unknown };
  delete (rest as { outboxes?: unknown }).outboxes;
  return stateFromJson(rest);
}
