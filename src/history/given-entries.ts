import { errorMessage } from '../errors.js';
import { unspool } from './entry-spool.js';
import type { FastImport } from './fast-import.js';
import type { EntrySummary } from './history-entry.js';
import type { KnownFiles } from './known-files.js';

/**
 * Entries given to `git fast-import` since its last checkpoint: in the pack git is writing, on the
 * branch (and on disk) at the next checkpoint, and kept beside the store until then (entry-spool.ts),
 * so a kill meanwhile loses none of them. A checkpoint closes a pack: one after every entry left the
 * store a pack an entry, and git looks each object it stores up in every pack, so each entry cost a
 * little more than the one before for as long as the history ran (git's CPU an entry went from 32 to
 * 57 ms over 200 turns at 200 agents; after every 16, from 25 to 37 ms). So git is checkpointed
 * after CHECKPOINT_EVERY entries, two seconds after the first of them at most (so `lemming show`
 * and the dashboard see a running org's turns that much later), and whenever someone waits for the
 * history (a run's end, a look at the branch: `writtenSoFar`).
 */
export const CHECKPOINT_EVERY = 64;

/** How long an entry waits for its checkpoint at most, in ms (a run of slow turns). */
const CHECKPOINT_AFTER_MS = 2000;

/** An entry given to git and not yet checkpointed. */
export interface GivenEntry {
  /** Its mark in git's stream, and the commit git made of it (known at once, on disk at the checkpoint). */
  mark: string;
  commit: Promise<string>;
  /** Where it is kept meanwhile (entry-spool.ts). */
  spooled: string;
  summary: EntrySummary;
  /** The entry in words, for a failure: `the entry of turn 12`. */
  what: string;
}

/** What of a history's writer (record-entry.ts EntrySession) the checkpoints look after. */
export interface GivenSession {
  known?: KnownFiles;
  importer?: FastImport;
  /** The entries given since the last checkpoint, oldest first. */
  given?: GivenEntry[];
  /** The last checkpoint asked for: resolves once git has made it (or failed, which `problem` then says). */
  pending?: Promise<void>;
  /** The mark of the last entry given, until it is on the branch. */
  tip?: string;
  last?: { commit: string; summary: EntrySummary };
  problem?: string;
  /** The timer that checkpoints a batch CHECKPOINT_AFTER_MS after its first entry. */
  checkpointTimer?: NodeJS.Timeout;
}

/** Keep an entry given to git until a checkpoint puts it on the branch; make one when enough are waiting. */
export function giveEntry(session: GivenSession, entry: GivenEntry): void {
  // Awaited at the checkpoint; a git that stops before it rejects it now, and that is the checkpoint's to say.
  entry.commit.catch(() => undefined);
  const given = (session.given ??= []);
  given.push(entry);
  if (given.length >= CHECKPOINT_EVERY) void checkpointGiven(session);
  else if (given.length === 1) {
    session.checkpointTimer = setTimeout(() => void checkpointGiven(session), CHECKPOINT_AFTER_MS);
    session.checkpointTimer.unref();
  }
}

/**
 * Checkpoint git now for the entries given since the last one: once it is done, each is on the branch
 * and no longer kept beside the store, and the known files are those of the last. When git failed, none
 * of them is on the branch: the next entry reads the files against the branch as git has it (and so
 * holds their changes), with a git of its own. Returns the session's `pending`.
 */
export function checkpointGiven(session: GivenSession): Promise<void> {
  clearTimeout(session.checkpointTimer);
  session.checkpointTimer = undefined;
  const batch = session.given?.splice(0) ?? [];
  const importer = session.importer;
  const last = batch.at(-1);
  if (!last || !importer) return session.pending ?? Promise.resolve();
  const known = session.known;
  const done = importer.checkpoint().then(
    async () => {
      const commit = await last.commit;
      for (const entry of batch) unspool(entry.spooled);
      // The last entry given: the branch is at it now, and the next entry may check it again.
      if (session.tip === last.mark) {
        known?.advance(commit);
        session.tip = undefined;
      }
      session.last = { commit, summary: last.summary };
    },
    (error: unknown) => {
      for (const entry of batch) unspool(entry.spooled);
      void importer.close();
      if (session.importer === importer) session.importer = undefined;
      session.known = undefined;
      session.tip = undefined;
      const what = batch.length === 1 ? `${last.what} was` : `${batch[0]?.what ?? ''} to ${last.what.replace(/^the entry of /, '')} were`;
      session.problem = `${what} not written (${errorMessage(error)}); the next entry holds ${batch.length === 1 ? 'its' : 'their'} changes`;
    },
  );
  const before = session.pending ?? Promise.resolve();
  session.pending = before.then(() => done);
  return session.pending;
}
