import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { spooledMessages, spoolFolder } from './entry-spool.js';
import { gitAvailable, gitSync } from './git.js';
import { parseEntryMessage, TURN_KINDS, type HistoryEntry } from './history-entry.js';
import { HISTORY_REF, historyPlace } from './history-paths.js';
import { mayBeParts, partsFolder, storedParts, storedPaths } from './stored-path.js';

/** Stop with a plain reason when the org has no history to read, or git cannot be run. */
function requireHistory(root: string): void {
  if (!gitAvailable()) throw new LemmingError('no-git', 'the `git` program was not found on PATH: the history (org/state/history.git) is read with it; install git');
  const place = historyPlace(root);
  if (!existsSync(place.gitDir) || gitSync({ gitDir: place.gitDir }, ['for-each-ref', '--count=1', HISTORY_REF]).length === 0) {
    const waiting = waitingEntries(root);
    if (waiting) throw new LemmingError('no-history', `${place.gitDir}: no entry of this org's history is written yet: ${waiting}`);
    throw new LemmingError(
      'no-history',
      `${place.gitDir}: this org has no history yet; with \`history: { keep: true }\` in org/org.yaml (new orgs have it) each turn from the next run on is kept`,
    );
  }
}

/**
 * The entries a run gave git and git has not written yet (entry-spool.ts), in words, or '' when there are none: a run
 * killed (or one under way) leaves them beside the store, and the next run writes them first. A command that only
 * reads says so rather than that they are not kept.
 */
export function waitingEntries(root: string): string {
  const gitDir = historyPlace(root).gitDir;
  const turns = spooledMessages(gitDir)
    .map((message) => parseEntryMessage(message)?.turn)
    .filter((turn): turn is number => turn !== undefined);
  if (turns.length === 0) return '';
  const first = Math.min(...turns);
  const last = Math.max(...turns);
  const [which, them] = first === last ? [`turn ${first}'s entry waits`, 'it'] : [`the entries of turns ${first} to ${last} wait`, 'them'];
  return `${which} beside it (${spoolFolder(gitDir)}), given to git by a run that stopped (or is still going) before git wrote ${them}; the next \`lemming run\` writes ${them} first`;
}

/** Every entry of the org's history, oldest first (a commit git's own tools can read: `git --git-dir org/state/history.git log`). */
export function listHistory(root: string): HistoryEntry[] {
  requireHistory(root);
  const log = gitSync(historyPlace(root), ['log', '--reverse', '--format=%H%x1f%cI%x1f%B%x1e', HISTORY_REF]).toString('utf8');
  const entries: HistoryEntry[] = [];
  for (const record of log.split('\x1e')) {
    const [commit, recorded, message] = record.replace(/^\n/, '').split('\x1f');
    if (!commit || !recorded || message === undefined) continue;
    const summary = parseEntryMessage(message);
    if (summary) entries.push({ ...summary, commit, recorded });
  }
  return entries;
}

/** `lemming history --json`: where the history is kept, and its entries oldest first. */
export interface HistoryListing {
  /** The history's git folder (org/state/history.git). */
  store: string;
  entries: HistoryEntry[];
}

/** The history as `lemming history --json` prints it and the library's `history` returns it. */
export function historyListing(root: string): HistoryListing {
  return { store: historyPlace(root).gitDir, entries: listHistory(root) };
}

/**
 * The entry holding the org as it was after turn `turn`: the turn's own entry (or the fork or first
 * entry that stands for it), not the hand edits made before the next. With `editsBefore`, the org
 * as the next turn found it: the hand edits made before turn `turn + 1` (an `edits` entry after the
 * turn's) included, what a fork goes on from. A turn the history does not hold is an error naming
 * the turns it does.
 */
export function entryOfTurn(root: string, turn: number, options: { editsBefore?: boolean } = {}): HistoryEntry {
  const entries = listHistory(root);
  const kept = entries.filter((entry) => TURN_KINDS.includes(entry.kind));
  const found = kept.filter((entry) => entry.turn === turn).at(-1);
  if (found && options.editsBefore) return entries.slice(entries.indexOf(found)).filter((entry) => entry.turn === turn && (entry === found || entry.kind === 'edits')).at(-1) ?? found;
  if (found) return found;
  const turns = [...new Set(kept.map((entry) => entry.turn))].sort((left, right) => left - right);
  const first = turns[0] ?? 0;
  const last = turns.at(-1) ?? 0;
  const gaps = turns.length === last - first + 1 ? '' : ` (not every turn between: ${turns.join(', ')})`;
  const pruned = entries.find((entry) => entry.kind === 'pruned');
  const gone = pruned !== undefined && turn <= pruned.turn ? ` (the entries before turn ${pruned.turn + 1} were pruned)` : '';
  const waiting = waitingEntries(root);
  throw new LemmingError(
    'unknown-turn',
    `turn ${turn} is not in the history of ${root}${gone}: it holds turns ${first} to ${last}${gaps}; \`lemming history\` lists them${waiting ? `; ${waiting}` : ''}`,
    { exitCode: EXIT.usage },
  );
}

/** A path of the org as the history names it: relative to the root, with `/`. */
export function historyPath(root: string, path: string): string {
  const absolute = isAbsolute(path) ? path : resolve(root, path);
  const inside = relative(root, absolute).split('\\').join('/');
  if (inside === '' || inside.startsWith('../') || inside === '..') {
    throw new LemmingError('outside-org', `${path}: not a file of the org at ${root}; give a path inside it, like agents/manager/resume.md`, { exitCode: EXIT.usage });
  }
  return inside;
}

/**
 * A file kept as parts (stored-path.ts storedParts) is its parts joined, each starting where the bytes before it
 * end: an entry whose parts leave a gap or overlap is not the file lemming kept, and is refused rather than read
 * wrong. Every reader that joins parts checks each here (`fileAtTurn`, materialise-turn.ts).
 */
export function requirePartJoins(inOrg: string, stored: string, offset: number, bytesBefore: number): void {
  if (offset !== bytesBefore) throw new LemmingError('broken-history', `${inOrg}: the history's parts of it do not join (${stored} starts at ${offset}, after ${bytesBefore} bytes); it was not written by lemming as it is`);
}

/** The bytes of a file as it was after turn `turn`; an error naming the path and the turn when it was not there. */
export function fileAtTurn(root: string, turn: number, path: string): Buffer {
  const entry = entryOfTurn(root, turn);
  const inside = historyPath(root, path);
  const place = historyPlace(root);
  // Kept as parts (stored-path.ts): joined, by the one rule every reader joins them by. Looked for only where a name may be (no second git for a message).
  const parts = mayBeParts(inside) ? gitSync(place, ['ls-tree', '-z', entry.commit, '--', `${partsFolder(inside)}/`]).toString('utf8') : '';
  const partPaths = parts.split('\0').filter((record) => record.includes(' blob ')).map((record) => record.slice(record.indexOf('\t') + 1));
  if (partPaths.length > 0) {
    const joined: Buffer[] = [];
    let bytes = 0;
    for (const { stored, offset } of storedParts(partPaths).get(inside) ?? []) {
      requirePartJoins(inside, stored, offset, bytes);
      const part = gitSync(place, ['cat-file', 'blob', `${entry.commit}:${stored}`]);
      joined.push(part);
      bytes += part.length;
    }
    return Buffer.concat(joined);
  }
  // Where the history keeps it (stored-path.ts), or where an entry of an earlier layout kept it.
  let listed = '';
  for (const stored of storedPaths(inside)) {
    listed = gitSync(place, ['ls-tree', '-z', entry.commit, '--', stored]).toString('utf8');
    if (listed.includes(' blob ')) return gitSync(place, ['cat-file', 'blob', `${entry.commit}:${stored}`]);
    if (listed.includes(' tree ')) break;
  }
  const what = listed.includes(' tree ') ? 'is a folder there, not a file' : 'was not in the org';
  throw new LemmingError('not-in-history', `${inside} ${what} after turn ${turn} (history entry ${entry.commit.slice(0, 7)}); \`git --git-dir ${place.gitDir} show --stat ${entry.commit.slice(0, 7)}\` lists what it holds`);
}
