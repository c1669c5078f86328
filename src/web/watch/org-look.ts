import { statSync } from 'node:fs';
import { join } from 'node:path';
import { stateTurn } from '../../engine/record/state-store.js';
import { statePaths } from '../../engine/record/state-paths.js';
import { listProposals, PROPOSALS_DIRECTORY } from '../../tools/proposals/proposal-store.js';
import { trustedMtime } from '../folder-stamp.js';
import { MessageIndex } from '../search/message-index.js';
import type { WatchEvent } from './watch-protocol.js';

/**
 * The message index, the turn and the proposals, and what changed in them since the last
 * look: a message found in an outbox (written by an engine in this process or another, or by
 * a person), a turn that finished, a proposal that appeared or was decided. It only reads:
 * serving never writes the org (the index is a cache under org/state/cache). Runs on the
 * watch thread (watch-thread.ts).
 */
export class OrgLook {
  readonly index: MessageIndex;
  private stateMtime = -1;
  private turn = -1;
  private proposalsMtime = -1;
  /** Each proposal's id and status, as last seen; undefined before the first look. */
  private proposalsSeen?: string;

  /** Takes the index in (see MessageIndex.open for `progress`): seconds for a large org's first build. */
  constructor(
    readonly root: string,
    progress?: (size: number) => void,
  ) {
    this.index = MessageIndex.open(root, progress);
    this.checkTurn([]);
    this.checkProposals([]);
  }

  /** Take in whatever was written since the last look; returns what changed, oldest first. */
  look(): WatchEvent[] {
    const events: WatchEvent[] = this.index.refresh().map((message) => ({ kind: 'mail', message }));
    this.checkTurn(events);
    this.checkProposals(events);
    return events;
  }

  /** The index is a cache: an org on a read-only disk is served without saving it. */
  save(): void {
    try {
      this.index.save();
    } catch {
      // Rebuilt next time; see above.
    }
  }

  private checkProposals(events: WatchEvent[]): void {
    const listedAt = Date.now();
    const mtime = statSync(join(this.root, PROPOSALS_DIRECTORY), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (mtime === this.proposalsMtime) return;
    this.proposalsMtime = trustedMtime(mtime, listedAt);
    const { proposals } = listProposals(this.root);
    const seen = proposals.map((proposal) => `${proposal.id}:${proposal.status}`).join(',');
    const first = this.proposalsSeen === undefined;
    if (seen === this.proposalsSeen) return;
    this.proposalsSeen = seen;
    if (!first) events.push({ kind: 'proposals', pending: proposals.filter((proposal) => proposal.status === 'pending').length });
  }

  private checkTurn(events: WatchEvent[]): void {
    const path = statePaths(this.root).state;
    const mtime = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (mtime === this.stateMtime) return;
    this.stateMtime = mtime;
    const turn = stateTurn(path);
    if (turn !== this.turn) {
      const first = this.turn === -1;
      this.turn = turn;
      if (!first) events.push({ kind: 'turn', turn });
    }
  }
}
