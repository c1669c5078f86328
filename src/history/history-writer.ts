import { errorMessage } from '../errors.js';
import type { WorkspaceLimitsOf } from '../org/walk-org.js';
import { gitAvailable, NO_GIT_WARNING } from './git.js';
import { clearHistoryBehind, markHistoryBehind } from './history-behind.js';
import { keepKnownFiles, lastEntry, recordEntry, writeLeftEntries, writtenSoFar, type EntrySession } from './record-entry.js';

/** Entries being written, by org root: one writer at a time per org, even across engines of one process. */
const writing = new Map<string, Promise<void>>();
/** The last entry read by any writer of an org and still being written by git (record-entry.ts, `pending`), by org root, with its writer's session. */
const gitWriting = new Map<string, { session: EntrySession; pending: Promise<void> }>();

/**
 * The engine's side of the org's history: it says "turn N committed" and "a turn is about to
 * start"; this records the folder. Entries are written by `git` in child processes, after the turn
 * has committed, while the engine goes on; the next turn waits until the entry has read the files
 * it holds (git may still be writing them) before it writes anything, so an entry never holds a
 * later turn's files, and a run's end waits until git has written them all. A run killed before an entry was written loses
 * nothing: the next turn (or the next run) finds the history behind the record and records the turn then.
 */
/**
 * What the history has to say since it last did: entries that were not written (`failed`: the run
 * says it, the human gets a notice, `lemming status` shows it until an entry is written again), and
 * what entries left out of the org's files (`leftOut`, said once a run).
 */
export interface HistoryNews {
  failed: string[];
  leftOut: string[];
}

export class HistoryWriter {
  private readonly failed: string[] = [];
  /** The last turn this writer recorded an entry of: a turn that follows it in the same run needs no look at the history. */
  private recorded: number | undefined;
  /** The files of the last entry this writer wrote and the git that writes the next: a plain entry reads only what changed. */
  private readonly session: EntrySession = {};
  /** Set by the first `close`: what later calls return. */
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly root: string,
    private readonly limitsOf: () => WorkspaceLimitsOf,
  ) {}

  /**
   * The writer for an org that keeps a history, or the one warning to show when git cannot be run.
   * `limitsOf` gives the bounds each workspace is read within, as the org now says (org/workspace-limits.ts).
   */
  static open(root: string, keep: boolean, limitsOf: () => WorkspaceLimitsOf): HistoryWriter | { warning: string } | undefined {
    if (!keep) return undefined;
    if (!gitAvailable()) return { warning: NO_GIT_WARNING };
    return new HistoryWriter(root, limitsOf);
  }

  /**
   * Before a turn writes anything (approvals carried out, mail taken in): the entry a stopped run
   * did not write, or the hand edits made since the last entry. `turn` is the last committed turn.
   * `lookForEdits` is false for a turn that follows this writer's own entry in one run: edits made
   * while a run goes on are in the next turn's entry (a look for them between two turns of one run
   * would cost each turn a scan of the org for a gap of no time).
   */
  beforeTurn(turn: number, lookForEdits = true): Promise<HistoryNews> {
    // The last turn's files are read: the next turn may go on while git writes them.
    if (!lookForEdits && this.recorded === turn) return this.read();
    this.enqueue(async () => {
      const last = await lastEntry(this.root, this.session);
      if (!last) {
        await recordEntry(this.root, { kind: 'turn', turn, note: `History begins here: the org as it stood after turn ${turn}${turn === 0 ? ' (before its first turn)' : ''}.` }, this.session, this.limitsOf());
      } else if (last.summary.turn !== turn) {
        await recordEntry(this.root, { kind: 'turn', turn, note: lateNote(last.summary.turn, turn) }, this.session, this.limitsOf());
      } else {
        await recordEntry(this.root, { kind: 'edits', turn }, this.session, this.limitsOf());
      }
      this.recorded = turn;
    });
    return this.read();
  }

  /**
   * Turn `turn` has committed: record it without holding the caller up (`settle` waits for it). `credits` are the turn's
   * charges when this run made them all; undefined for a turn an earlier run began, whose charges the ledger holds.
   */
  afterCommit(turn: number, credits: number | undefined): void {
    // Said at once: the next turn may begin before the entry is read, and must not look for edits meanwhile (it waits for the read).
    this.recorded = turn;
    this.enqueue(async () => {
      await recordEntry(this.root, { kind: 'turn', turn, ...(credits === undefined ? {} : { credits }) }, this.session, this.limitsOf());
    });
  }

  /**
   * Before a turn a crash left unfinished: its entry follows its commit, and the entries a killed run left to git are
   * written now, not then (a run told to stop at a turn already reached, `run --until`, never commits it).
   */
  beforeUnfinishedTurn(): Promise<HistoryNews> {
    this.enqueue(() => writeLeftEntries(this.root, this.session));
    return this.settle();
  }

  /** Whether an entry is being read, or was given to git and is not on the branch yet (`settle` then waits for git). */
  underWay(): boolean {
    return writing.has(this.root) || (this.session.given?.length ?? 0) > 0 || this.session.tip !== undefined;
  }

  /** Wait for the entries under way, until git has written them; returns what went wrong since the last call, a line each. */
  async settle(): Promise<HistoryNews> {
    await writing.get(this.root);
    await writtenSoFar(this.session);
    return this.read();
  }

  /** Wait until the entries under way have read the org's files (git may still be writing the last); what went wrong. */
  private async read(): Promise<HistoryNews> {
    await writing.get(this.root);
    if (this.session.problem) this.failed.push(`the history (org/state/history.git): ${this.session.problem}`);
    this.session.problem = undefined;
    const failed = this.failed.splice(0);
    const last = this.session.last?.summary.turn;
    if (failed.length > 0) markHistoryBehind(this.root, this.recorded ?? last ?? 0, failed[0] as string);
    else if (this.recorded !== undefined && last !== undefined) clearHistoryBehind(this.root);
    return { failed, leftOut: this.session.leftOut?.splice(0) ?? [] };
  }

  /**
   * After the entries under way: the git kept for them stops. Resolves once git has written them
   * all and exited, and the next run's known files are kept; never rejects (an entry not written
   * is marked for \`lemming status\` by \`read\`, and the next run records it). Once, however often called.
   */
  close(): Promise<void> {
    this.closed ??= this.settle()
      .catch(() => undefined)
      .then(async () => {
        keepKnownFiles(this.root, this.session);
        const importer = this.session.importer;
        this.session.importer = undefined;
        this.session.known = undefined;
        this.session.watch?.close();
        this.session.watch = undefined;
        // Packs being made fewer (pack-upkeep.ts) are the store's too: done before a caller may remove or copy it.
        await Promise.all([importer?.close(), this.session.consolidating]);
      });
    return this.closed;
  }

  private enqueue(work: () => Promise<void>): void {
    const before = writing.get(this.root) ?? Promise.resolve();
    const next = before
      .then(async () => {
        // Another writer's entry may still be going into git (an engine of this process that closed): the branch moves once at a
        // time. This writer's own are taken by its fast-import in order, so its next entry need not wait for them.
        const other = gitWriting.get(this.root);
        if (other && other.session !== this.session) await other.pending;
        await work();
        const pending = this.session.pending;
        if (pending) {
          const writing = { session: this.session, pending };
          gitWriting.set(this.root, writing);
          void pending.finally(() => {
            if (gitWriting.get(this.root) === writing) gitWriting.delete(this.root);
          });
        }
      })
      .catch((error: unknown) => {
        // The next turn looks at the history again, and records what this entry did not.
        this.recorded = undefined;
        this.failed.push(`the history (org/state/history.git) was not written: ${errorMessage(error)}; the next turn tries again`);
      });
    writing.set(this.root, next);
    void next.finally(() => {
      if (writing.get(this.root) === next) writing.delete(this.root);
    });
  }
}

/** Why an entry was recorded when the next turn began rather than after its own. Pure. */
function lateNote(lastKept: number, turn: number): string {
  if (lastKept > turn) return `The record went back from turn ${lastKept} to turn ${turn} (\`lemming reset\`, or files put back by hand): the org as it now stands.`;
  const gap = turn - lastKept > 1 ? ` Turns ${lastKept + 1} to ${turn - 1} were not kept (history off, or git missing).` : '';
  return `Recorded when the next run began, not as turn ${turn} committed (that run was stopped first): hand edits made since are in it too.${gap}`;
}
