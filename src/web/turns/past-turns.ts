import { LemmingError } from '../../errors.js';
import type { Org } from '../../org/org.js';
import { removeTemporaryFolder, temporaryFolder } from '../../storage/temporary-files.js';
import type { AnswerOf } from '../routes/route-answer.js';
import type { TURNS_ROUTE } from '../openapi/route-specs.js';

/** `GET /api/turns`. */
export type TurnList = AnswerOf<typeof TURNS_ROUTE>;

/**
 * How many earlier turns stay open at once (each a folder and a message index on a thread of its
 * own): a person steps back and forth between a few; the one left longest is closed for the next.
 */
const OPEN_AT_MOST = 4;

/** Said where a dashboard offers no earlier turn: what to write to have them. */
export const NO_HISTORY = 'this org keeps no history: set `history: { keep: true }` in org/org.yaml, and each turn from the next run on is kept';

/** What serves one past turn: a dashboard over its folder (dashboard.ts), as this module needs it. */
export interface TurnView {
  watch: { ready(): Promise<void> };
  close(): Promise<void>;
}

interface Opened<View> {
  ready: Promise<View>;
  /** Set as it is made, so that closing finds what there is to remove. */
  folder?: string;
  view?: View;
  /** Set once its first request is answered: a turn may be closed from then on. */
  served?: boolean;
}

/**
 * The org as it was after earlier turns, for the dashboard's turn selector: each turn asked for is
 * written from the org's history (history/materialise-turn.ts) into a temporary folder once and
 * served by a dashboard of its own over that folder, read-only. A turn never changes once kept, so
 * the folder is good for as long as the server runs; it is removed when the server stops (or when
 * more than OPEN_AT_MOST turns are open, the one asked for longest ago).
 *
 * Why a folder rather than answering from git's objects: every view of the dashboard (chart,
 * messages and their index, agents, ledger, analysis) reads an org's folder through the same
 * readers the CLI uses; a folder lets all of them answer for a past turn unchanged. Writing one is a
 * few git commands (hundreds of milliseconds for a small org on a busy machine, docs/history.md),
 * paid at the first request for that turn only.
 */
export class PastTurns<View extends TurnView> {
  private readonly opened = new Map<number, Opened<View>>();
  private listed?: { live: number; keeps: boolean; list: TurnList };
  private closed = false;

  /** `open`: the dashboard over a folder holding the org as it was (made here, removed here); `openAtMost` turns stay open. */
  constructor(
    private readonly root: string,
    private readonly open: (folder: string) => View,
    private readonly openAtMost = OPEN_AT_MOST,
  ) {}

  /** The dashboard of the org as it was after `turn`, its message index in; a turn the history does not hold is an error naming the turns it does. */
  at(turn: number): Promise<View> {
    if (this.closed) return Promise.reject(new Error('the dashboard is shutting down'));
    const known = this.opened.get(turn);
    if (known) {
      // Asked again: the last to be closed.
      this.opened.delete(turn);
      this.opened.set(turn, known);
      return known.ready;
    }
    // In the map before any await: two requests for one turn write it once.
    const opened: Opened<View> = { ready: Promise.resolve(undefined as never) };
    opened.ready = this.write(turn, opened);
    this.opened.set(turn, opened);
    // A turn that could not be written (or indexed) is forgotten: the next request tries again.
    opened.ready.catch(() => void this.forget(turn, opened));
    this.closeOldest();
    return opened.ready;
  }

  /**
   * Past `openAtMost`, close the turns asked for longest ago, of those already answered, as a new
   * turn is asked for: a turn still being written has a request waiting for it, so more may be open
   * for a moment, until the next request.
   */
  private closeOldest(): void {
    let over = this.opened.size - this.openAtMost;
    for (const [turn, opened] of this.opened) {
      if (over <= 0) return;
      if (opened.served !== true) continue;
      void this.forget(turn, opened);
      over -= 1;
    }
  }

  private async write(turn: number, opened: Opened<View>): Promise<View> {
    const { materialiseTurn } = await import('../../history/materialise-turn.js');
    opened.folder = temporaryFolder(`turn-${turn}`);
    materialiseTurn(this.root, turn, opened.folder);
    opened.view = this.open(opened.folder);
    await opened.view.watch.ready();
    if (this.closed) throw new Error('the dashboard is shutting down');
    opened.served = true;
    return opened.view;
  }

  /**
   * The turns the org's history holds, newest first (the turn's own entry, not the hand edits after
   * it), with the live turn; when there are none, why. Asked of git again when the live turn moved, or while the history is behind it.
   */
  async list(org: Org, live: number): Promise<TurnList> {
    const keeps = org.history?.keep === true;
    if (this.listed && this.listed.live === live && this.listed.keeps === keeps) return this.listed.list;
    const { listHistory } = await import('../../history/read-history.js');
    const { TURN_KINDS } = await import('../../history/history-entry.js');
    let entries: ReturnType<typeof listHistory> = [];
    let why: string | undefined;
    try {
      entries = listHistory(this.root);
    } catch (error) {
      if (!(error instanceof LemmingError) || (error.code !== 'no-history' && error.code !== 'no-git')) throw error;
      why = error.code === 'no-git' ? error.message : keeps ? 'no turn is kept yet: the history begins with the next turn the org runs' : NO_HISTORY;
    }
    const byTurn = new Map<number, (typeof entries)[number]>();
    // Turns and forks only: hand edits are not a turn, nor is a pruned history's first entry (history-entry.ts).
    for (const entry of entries) if (TURN_KINDS.includes(entry.kind)) byTurn.set(entry.turn, entry);
    const turns = [...byTurn.values()]
      .sort((left, right) => right.turn - left.turn)
      .map((entry) => ({
        turn: entry.turn,
        recorded: entry.recorded,
        messages: Object.values(entry.messages).reduce((sum, count) => sum + count, 0),
        credits: entry.credits,
        ...(entry.note === undefined ? {} : { note: entry.note }),
      }));
    if (turns.length > 0 && !keeps) why = `this org no longer keeps its history (org/org.yaml no longer says \`history: { keep: true }\`): the turns listed were kept before`;
    const list: TurnList = { live, keeps, turns, ...(why === undefined ? {} : { explanation: why }) };
    // Cached only once the history has caught up with the record (an entry follows its turn by a moment).
    if ((turns[0]?.turn ?? -1) >= live) this.listed = { live, keeps, list };
    return list;
  }

  /** Close every turn open and remove its folder. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.opened.entries()].map(([turn, opened]) => this.forget(turn, opened)));
  }

  private async forget(turn: number, opened = this.opened.get(turn)): Promise<void> {
    if (!opened) return;
    if (this.opened.get(turn) === opened) this.opened.delete(turn);
    await opened.view?.close();
    if (opened.folder) removeTemporaryFolder(opened.folder);
  }
}
