import type { HistoryWriter } from '../history/history-writer.js';
import type { Org } from '../org/org.js';
import type { EngineEvent } from './events.js';
import type { EngineState } from './record/engine-state.js';
import { historyNotice } from './turn/notices.js';

/** A notice for the human, as the engine's state keeps them. */
type HumanNotice = EngineState['humanNotices'][number];

/**
 * The org's history (history/) as an engine keeps it: opened with the first turn, as org.yaml then
 * says (its modules loaded only for an org that keeps one); told when a turn is about to start and
 * when one has committed. What it says comes back as warnings, and an entry not written is also
 * the human's notice, once a turn. A history that cannot be written never stops a run.
 */
export class EngineHistory {
  /** The writer; undefined when no history is kept, null until the first turn has looked. */
  private writer: HistoryWriter | undefined | null;
  /** Set by the first `close`: true until git has finished. */
  private closing: boolean | undefined;

  /** `kept: false`: keep none whatever org.yaml says (a dry run's scratch copy); `org`: the org in force, as hand edits change it. */
  constructor(
    private readonly root: string,
    kept: boolean,
    private readonly org: () => Org,
    private readonly tellHuman: (notice: HumanNotice) => void,
  ) {
    this.writer = kept ? null : undefined;
  }

  /**
   * Before a turn writes anything: wait for the last turn's entry, then record what the history
   * lacks (a turn a stopped run did not record; hand edits since, when `lookForEdits`: at a run's
   * first turn and at each turn asked for alone, as chat and the dashboard do). A turn a crash left
   * `unfinished` is not recorded half-done: its entry follows its commit (the entries a killed run left to git are written
   * before it all the same).
   */
  async beforeTurn(lastTurn: number, unfinished: boolean, lookForEdits: boolean): Promise<EngineEvent[]> {
    if (this.writer === null) {
      this.writer = undefined;
      if (this.org().history?.keep) {
        const { HistoryWriter } = await import('../history/history-writer.js');
        const { workspaceLimitsOf } = await import('../org/workspace-limits.js');
        const opened = HistoryWriter.open(this.root, true, () => workspaceLimitsOf(this.org()));
        if (!(opened instanceof HistoryWriter)) return opened ? [{ type: 'warning', turn: lastTurn + 1, file: 'org/org.yaml', message: opened.warning }] : [];
        this.writer = opened;
      }
    }
    if (!this.writer) return [];
    const news = unfinished ? await this.writer.beforeUnfinishedTurn() : await this.writer.beforeTurn(lastTurn, lookForEdits);
    return this.said(news, lastTurn, lastTurn + 1);
  }

  /** A turn committed: its entry is written off the turn's path; `credits` undefined (a turn finished after a stop) is read from the ledger. */
  afterCommit(turn: number, credits: number | undefined): void {
    this.writer?.afterCommit(turn, credits);
  }

  /** Whether entries are under way: read, or given to git and not yet on the branch. */
  underWay(): boolean {
    return this.writer?.underWay() ?? false;
  }

  /** Wait for the entries under way (before a run says it finished); their problems as warnings. */
  async settle(lastTurn: number): Promise<EngineEvent[]> {
    if (!this.writer) return [];
    return this.said(await this.writer.settle(), lastTurn, lastTurn);
  }

  /** Resolves once the entries under way are written and git has stopped; never rejects. */
  close(): Promise<void> {
    if (!this.writer || this.closing !== undefined) return this.writer?.close() ?? Promise.resolve();
    this.closing = true;
    return this.writer.close().finally(() => {
      this.closing = false;
    });
  }

  /** Whether `close` still waits for git. */
  stillClosing(): boolean {
    return this.closing === true;
  }

  private said(news: { failed: string[]; leftOut: string[] }, lastTurn: number, turn: number): EngineEvent[] {
    const notice = historyNotice(news.failed, lastTurn);
    if (notice) this.tellHuman(notice);
    return [...news.failed, ...news.leftOut].map((message) => ({ type: 'warning', turn, file: 'org/state/history.git', message }));
  }
}
