import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadState } from '../engine/record/engine-state.js';
import { statePaths } from '../engine/record/state-paths.js';
import { listProposals, PROPOSALS_DIRECTORY } from '../tools/proposals/proposal-store.js';
import type { EventHub } from './event-hub.js';
import { trustedMtime } from './folder-stamp.js';
import { MessageIndex } from './search/message-index.js';

/**
 * Keeps the message index and the turn up to date and tells the event hub what changed:
 * a message found in an outbox (written by this process's engine, another `lemming run`,
 * or a person), a turn that finished, and a proposal that appeared or was decided. It only
 * reads: serving never writes the org.
 */
export class OrgWatch {
  readonly index: MessageIndex;
  private stateMtime = -1;
  private turn = -1;
  private proposalsMtime = -1;
  /** Each proposal's id and status, as last seen; undefined before the first look. */
  private proposalsSeen?: string;
  private timer?: NodeJS.Timeout;
  private saveTimer?: NodeJS.Timeout;

  constructor(
    readonly root: string,
    private readonly hub: EventHub,
  ) {
    this.index = MessageIndex.open(root);
    this.checkTurn();
    this.checkProposals();
  }

  /** The index with whatever was written since the last look; what was new is published. */
  fresh(): MessageIndex {
    for (const message of this.index.refresh()) this.hub.publish({ kind: 'mail', message });
    this.checkTurn();
    this.checkProposals();
    return this.index;
  }

  /** The last finished turn, as the engine's state says. */
  get currentTurn(): number {
    return Math.max(this.turn, 0);
  }

  /**
   * Look every `intervalMs` (a stat per outbox, listing only those that changed), so the browser
   * sees mail as it is written; save the index now and then, off the request path.
   */
  start(intervalMs = 400, saveEveryMs = 30_000): void {
    this.timer = setInterval(() => this.fresh(), intervalMs);
    this.saveTimer = setInterval(() => this.save(), saveEveryMs);
    this.timer.unref();
    this.saveTimer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearInterval(this.saveTimer);
    this.save();
  }

  /** The index is a cache: an org on a read-only disk is served without saving it. */
  private save(): void {
    try {
      this.index.save();
    } catch {
      // Rebuilt next time; see above.
    }
  }

  private checkProposals(): void {
    const listedAt = Date.now();
    const mtime = statSync(join(this.root, PROPOSALS_DIRECTORY), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (mtime === this.proposalsMtime) return;
    this.proposalsMtime = trustedMtime(mtime, listedAt);
    const { proposals } = listProposals(this.root);
    const seen = proposals.map((proposal) => `${proposal.id}:${proposal.status}`).join(',');
    const first = this.proposalsSeen === undefined;
    if (seen === this.proposalsSeen) return;
    this.proposalsSeen = seen;
    if (!first) this.hub.publish({ kind: 'proposals', pending: proposals.filter((proposal) => proposal.status === 'pending').length });
  }

  private checkTurn(): void {
    const path = statePaths(this.root).state;
    const mtime = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (mtime === this.stateMtime) return;
    this.stateMtime = mtime;
    const turn = loadState(path).turn;
    if (turn !== this.turn) {
      const first = this.turn === -1;
      this.turn = turn;
      if (!first) this.hub.publish({ kind: 'turn', turn });
    }
  }
}
