import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { gitSync } from './git.js';
import { entryMessage, TURN_KINDS, type HistoryEntry } from './history-entry.js';
import { HISTORY_REF, historyPlace } from './history-paths.js';
import { listHistory } from './read-history.js';

/** What `--prune-before N` would drop and keep, worked out before anything changes. */
export interface PrunePlan {
  before: number;
  /** The entries dropped (oldest first) and the turns they held. */
  dropped: HistoryEntry[];
  droppedTurns: { first: number; last: number };
  /** The entries kept: the first is the turn `before`'s own (or the first kept turn after it). */
  kept: HistoryEntry[];
}

/** What pruning did. */
export interface PruneReport extends PrunePlan {
  /** The store's size on disk, before and after (bytes). */
  sizeBefore: number;
  sizeAfter: number;
  /** The new first commit: the org as it stood when turn `before` began. */
  root: string;
}

/**
 * Work out what `lemming history --prune-before N` drops: every entry before the first entry of
 * turn N or later, so N must lie after the history's first turn and at or before its last. An N
 * outside that is refused (exit 2) with the valid range. Reads only.
 */
export function planPrune(root: string, before: number): PrunePlan {
  const entries = listHistory(root);
  const turns = entries.filter((entry) => TURN_KINDS.includes(entry.kind)).map((entry) => entry.turn);
  const first = Math.min(...turns);
  const last = Math.max(...turns);
  const cut = entries.findIndex((entry) => TURN_KINDS.includes(entry.kind) && entry.turn >= before);
  if (turns.length === 0 || first === last) {
    throw new LemmingError('out-of-range', `--prune-before ${before}: the history of ${root} holds turn ${turns[0] ?? 0} only; there is nothing before it to drop`, { exitCode: EXIT.usage });
  }
  if (before <= first || before > last || cut <= 0) {
    throw new LemmingError(
      'out-of-range',
      `--prune-before ${before}: the history of ${root} holds turns ${first} to ${last}; give a turn from ${first + 1} to ${last} (the entries before it are dropped, it and the later ones kept)`,
      { exitCode: EXIT.usage },
    );
  }
  const dropped = entries.slice(0, cut);
  const droppedTurnList = dropped.filter((entry) => TURN_KINDS.includes(entry.kind)).map((entry) => entry.turn);
  return {
    before,
    dropped,
    droppedTurns: { first: Math.min(...droppedTurnList, first), last: Math.max(...droppedTurnList, before - 1) },
    kept: entries.slice(cut),
  };
}

/**
 * Drop the entries `plan` names, for good. The first kept entry gets a new parent: a root commit
 * holding the org as it stood when that turn began (the tree of the entry before it), so `git show`
 * of the first kept turn still says what that turn changed; every kept entry is written again with
 * its own tree, author, dates and message (only its parent line differs, so its id does too); the
 * branch moves in one step, from the old tip to the new. Then what nothing reaches any more is
 * removed from the store (`git reflog expire`, `git gc --prune=now`, on the store only). The store's
 * own index goes too (the next entry builds it again and asks git what changed), so no object it
 * names can have been removed under it. A kill before the branch moves changes nothing; after it,
 * the old objects stay until the next prune. The caller holds the org's lock: no entry is written meanwhile.
 */
export function pruneHistory(root: string, plan: PrunePlan, clock: () => Date = () => new Date()): PruneReport {
  const place = historyPlace(root);
  const store = { gitDir: place.gitDir };
  const sizeBefore = sizeOf(place.gitDir);
  const commits = gitSync(store, ['rev-list', '--reverse', HISTORY_REF]).toString('utf8').trim().split('\n');
  const firstKept = plan.kept[0] as HistoryEntry;
  const at = commits.indexOf(firstKept.commit);
  const before = commits[at - 1];
  if (at <= 0 || before === undefined) throw new LemmingError('history-changed', `${place.gitDir}: the history changed while it was pruned; try again`);
  const oldTip = commits.at(-1) as string;

  const note =
    `History pruned on ${clock().toISOString()}: the ${plan.dropped.length} entries before turn ${plan.before} (turns ${plan.droppedTurns.first} to ${plan.droppedTurns.last}) were dropped; ` +
    `this entry is the org as it stood when turn ${plan.before} began.`;
  const message = entryMessage({ kind: 'pruned', turn: plan.before - 1, messages: {}, credits: 0, changed: 0, edited: [], proposals: [], note });
  const tree = gitSync(store, ['rev-parse', `${before}^{tree}`]).toString('utf8').trim();
  let parent = gitSync({ ...store }, ['-c', 'commit.gpgSign=false', 'commit-tree', tree, '-F', '-'], message).toString('utf8').trim();
  const newRoot = parent;
  for (const commit of commits.slice(at)) {
    const raw = gitSync(store, ['cat-file', 'commit', commit]).toString('utf8');
    parent = gitSync(store, ['hash-object', '-t', 'commit', '-w', '--stdin'], withParent(raw, parent)).toString('utf8').trim();
  }
  gitSync(store, ['update-ref', '-m', `lemming history --prune-before ${plan.before}`, HISTORY_REF, parent, oldTip]);
  // The index versions before 0.2 staged entries in (by `git add`): it would describe the dropped entries.
  rmSync(join(place.gitDir, 'lemming-index'), { force: true });
  gitSync(store, ['reflog', 'expire', '--expire=now', '--expire-unreachable=now', '--all']);
  // No reachability bitmap, commit-graph or server info (git writes them in a bare store by default): nothing here reads them, and on a small history they outweigh what was dropped.
  gitSync(store, ['-c', 'gc.auto=0', '-c', 'gc.pruneExpire=now', '-c', 'repack.writeBitmaps=false', '-c', 'gc.writeCommitGraph=false', '-c', 'repack.updateServerInfo=false', 'gc', '--quiet', '--prune=now']);
  return { ...plan, sizeBefore, sizeAfter: sizeOf(place.gitDir), root: newRoot };
}

/** A raw commit with its parent lines replaced by `parent` (a signature, no longer true, dropped). Pure. */
export function withParent(raw: string, parent: string): string {
  const split = raw.indexOf('\n\n');
  const headers = (split < 0 ? raw : raw.slice(0, split)).split('\n');
  const body = split < 0 ? '' : raw.slice(split);
  const kept: string[] = [];
  let inSignature = false;
  for (const line of headers) {
    if (inSignature && line.startsWith(' ')) continue;
    inSignature = line.startsWith('gpgsig');
    if (inSignature || line.startsWith('parent ')) continue;
    kept.push(line);
    if (line.startsWith('tree ')) kept.push(`parent ${parent}`);
  }
  return `${kept.join('\n')}${body}`;
}

/** Bytes of every file under a folder (links not followed). */
function sizeOf(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += sizeOf(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}
