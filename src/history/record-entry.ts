import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashPoint } from '../engine/record/crash-points.js';
import { LEDGER_FILE, readLedgerLine } from '../org/ledger-line.js';
import { showSize } from '../format/format.js';
import type { WorkspaceLimitsOf } from '../org/walk-org.js';
import { workspaceLimitsOf } from '../org/workspace-limits.js';
import { passedText, type PassReason } from '../sandbox/beneath/walk-beneath.js';
import { readRecordFrom, recordLines } from '../storage/record-pieces.js';
import { parseProposal } from '../tools/proposals/proposal.js';
import { git, type GitPlace } from './git.js';
import { entryMessage, parseEntryMessage, type EntryKind, type EntrySummary } from './history-entry.js';
import { changeLines, importerAfterKill, type FastImport } from './fast-import.js';
import { hasSpooled, spoolEntry } from './entry-spool.js';
import { checkpointGiven, giveEntry, type GivenSession } from './given-entries.js';
import { keepPacksFew, retireWhenDue, type UpkeptSession } from './pack-upkeep.js';
import { HISTORY_REF, historyPlace } from './history-paths.js';
import { KnownFiles, LARGE_FILE_BYTES, type Change } from './known-files.js';
import { readKnownFiles, writeKnownFiles } from './known-files-file.js';
import { walkRecordedFiles, type RecordedWalk } from './recorded-files.js';
import { RecordedWatch } from './recorded-watch.js';
import { readOwnCache } from '../storage/read-own-file.js';

const EDITED_KEPT = 50;

/**
 * Keep what the session knows of the last entry's files for the next run, once git has written
 * every entry it was given: that run's first entry then reads only the files whose stamp moved,
 * not `git add` over the whole org. A file kept for another entry than the branch's is not used.
 */
export function keepKnownFiles(root: string, session: EntrySession): void {
  if (!session.known || session.tip !== undefined) return;
  try {
    writeKnownFiles(historyPlace(root).gitDir, session.known);
  } catch {
    // Only the next run's first entry is slower without it.
  }
}

/** What the writer knows of an entry besides the files: the turn's charges, when the engine gave them. */
export interface EntryFacts {
  kind: EntryKind;
  turn: number;
  /** Credits the turn charged (from its stats); absent: read from the ledger lines the entry adds. */
  credits?: number;
  note?: string;
}

/** The last entry of the history, or undefined when it has none; the session's own, when the branch is still at it. */
export async function lastEntry(root: string, session?: EntrySession): Promise<{ commit: string; summary: EntrySummary } | undefined> {
  const place = historyPlace(root);
  if (session) {
    await writtenSoFar(session);
    await recoverOnce(place, session);
  }
  const commit = await headCommit(place);
  if (!commit) return undefined;
  if (session?.last?.commit === commit) return session.last;
  const summary = parseEntryMessage(await commitMessage(place, commit));
  return summary ? { commit, summary } : undefined;
}

/**
 * What a history's writer keeps between entries (history-writer.ts): the files its last entry holds,
 * and the `git fast-import` that writes the next. Without it, or when the branch has moved since
 * (another process wrote an entry), an entry is staged by `git add` over the whole org.
 */
export interface EntrySession extends GivenSession, UpkeptSession {
  known?: KnownFiles;
  importer?: FastImport;
  /** The entry it wrote last: what the next turn asks of the history, with no git run for it. */
  last?: { commit: string; summary: EntrySummary };
  /**
   * The entries given to git and not yet on the branch (given-entries.ts): the next turn goes on
   * meanwhile, and so does the next entry, which git takes after them (`tip`); a look at the history,
   * an entry staged by git add and a run's end checkpoint git and wait for it.
   */
  pending?: Promise<void>;
  /** fast-import's mark of the last entry it was given (`:N`), the parent of the next: undefined when the branch is the parent. */
  tip?: string;
  /** The message of the entry given to git last (`tip`), kept with the next as its parent's (entry-spool.ts). */
  givenMessage?: string;
  /** Whether the entries a killed run left to git were looked for (recover-entries.ts): once, before this session's first entry. */
  recovered?: boolean;
  /** Why the last pending entry was not written, until the writer says so. */
  problem?: string;
  /** What changed since the last entry, seen by inotify (recorded-watch.ts): an entry walks only there. */
  watch?: RecordedWatch;
  /** What entries left out that a person should hear of, a line each, until the writer says so; and every path said so far. */
  leftOut?: string[];
  saidLeftOut?: Set<string>;
}

/** Wait until git has every entry the session gave it on the branch, checkpointing it now (history-writer.ts says its problem, if any). */
export async function writtenSoFar(session: EntrySession): Promise<void> {
  await checkpointGiven(session);
}

/**
 * The entries a killed run left to git, written now (once a session, as before its first entry): for a run whose first
 * turn is one a crash left unfinished, which records no entry until that turn commits, and may stop before it does.
 */
export async function writeLeftEntries(root: string, session: EntrySession): Promise<void> {
  await writtenSoFar(session);
  await recoverOnce(historyPlace(root), session);
}

/**
 * Record the org's files as they stand as one entry. Safe to be killed at any moment: git writes
 * its objects whole, and the branch moves last, in one step; what a kill leaves (a ref's lock,
 * objects nothing points to, a pack not finished) is cleared or ignored by the next entry. Called
 * only by the process that holds the org's lock, so a lock file found here is a dead writer's. An
 * `edits` entry that would change nothing is not made. Returns the summary written, or undefined.
 *
 * The files are those the one walk of the org takes (recorded-files.ts), written by one long-lived
 * `git fast-import` from what this process read: no git command ever looks at a tree an agent shaped
 * (no `.gitattributes` of a workspace, no repository nested in one, no path too long for the host
 * changes what is recorded or stops it), and what the walk left out is said (`session.leftOut`). A
 * writer that wrote the entry before (`session`) reads only the files that changed since (those the
 * watch saw, recorded-watch.ts, and among them those whose stamp moved); the first entry of a run
 * reads the files whose stamp moved since the last run knew them, or, without that, every file once.
 * A plain entry returns once its files are read: git writes it while the next turn runs, and the
 * next plain entry is given to git behind it without waiting (its parent is the mark of the one
 * before); git puts them on the branch at its next checkpoint (given-entries.ts). A kill meanwhile
 * loses no entry: each is kept whole beside the store until it is on the branch (entry-spool.ts),
 * and the next run writes those left first (recover-entries.ts). Without a session (a fork's
 * entry), it returns once the entry is written.
 */
export async function recordEntry(root: string, facts: EntryFacts, session?: EntrySession, limitsOf: WorkspaceLimitsOf = workspaceLimitsOf(undefined)): Promise<EntrySummary | undefined> {
  const own = session === undefined;
  const writer = session ?? {};
  try {
    const summary = await recordChanges(root, facts, writer, limitsOf);
    if (own) {
      await writtenSoFar(writer);
      await writer.importer?.close();
      if (writer.problem) throw new Error(writer.problem);
    }
    return summary;
  } catch (error) {
    // The next entry starts from the branch as git has it, with a git of its own.
    void writer.importer?.close();
    writer.importer = undefined;
    writer.known = undefined;
    writer.tip = undefined;
    throw error;
  } finally {
    if (own) writer.watch?.close();
  }
}

/** One entry, as recordEntry says. */
async function recordChanges(root: string, facts: EntryFacts, session: EntrySession, limitsOf: WorkspaceLimitsOf): Promise<EntrySummary | undefined> {
  const place = historyPlace(root);
  await ensureStore(place);
  await recoverOnce(place, session);
  const fresh = await knownFiles(place, session, facts);
  const known = session.known as KnownFiles;
  // Where something changed since the last entry, when the watch saw it all; else the whole org (watched again as it goes).
  session.watch ??= RecordedWatch.start(root);
  const marks = await session.watch?.take();
  const scope = fresh ? undefined : marks;
  // Each file whose stamp moved is read as the walk meets it, through the descriptor it was met by (no second open).
  const walked = walkRecordedFiles(root, limitsOf, Date.now(), { ...(scope ? { scope } : {}), ...(session.watch ? { beforeFolder: session.watch.beforeFolder } : {}), take: known.readAsWalked() });
  noteLeftOut(session, walked);
  const { changes, writes } = await known.compare(root, walked.files, scope, (fd) => storeLarge(place, fd));
  if (facts.kind === 'edits' && changes.length === 0) {
    // Writes with no change are the files an entry of an earlier layout holds elsewhere, moved (known-files.ts): no entry
    // is written for them alone, so the known files, which count them moved, are dropped and the next entry moves them.
    if (writes.length > 0) session.known = undefined;
    return undefined;
  }
  const summary = await summarise(root, facts, changes);
  // Nothing is written yet: a kill here loses nothing (the next entry finds the same changes).
  crashPoint('mid-history');
  await retireWhenDue(session);
  if (!session.importer?.usable) {
    session.importer = importerAfterKill(place);
    session.tip = undefined;
  }
  const importer = session.importer;
  // The bytes are in `writes` already (a large file's object is written): the files may change from here on, the entry is of the moment they were read.
  const message = entryMessage(summary);
  const when = new Date();
  const lines = changeLines(writes);
  // Kept whole before git is given it: killed before git has written it, the next run writes it from here (recover-entries.ts).
  const parent = session.tip !== undefined && session.givenMessage !== undefined ? { message: session.givenMessage } : known.head === '' ? undefined : { commit: known.head };
  const spooled = spoolEntry(place.gitDir, { message, when: when.getTime(), ...(parent ? { parent } : {}) }, lines);
  const { mark, commit } = importer.commit(session.tip ?? (known.head === '' ? undefined : known.head), message, lines, when);
  session.tip = mark;
  session.givenMessage = message;
  keepPacksFew(place, session);
  giveEntry(session, { mark, commit, spooled, summary, what: `the entry of ${facts.kind === 'turn' ? `turn ${facts.turn}` : facts.kind === 'fork' ? 'the fork' : `the edits before turn ${facts.turn + 1}`}` });
  return summary;
}

/**
 * The entries a killed run left to git, written before this session's first look at the history (a
 * failure is the entry's to say); their module loads only when one is left.
 */
async function recoverOnce(place: GitPlace, session: EntrySession): Promise<void> {
  if (session.recovered) return;
  session.recovered = true;
  if (!hasSpooled(place.gitDir)) return;
  const { recoverSpooled } = await import('./recover-entries.js');
  await recoverSpooled(place);
}

/**
 * Make `session.known` the files of the branch's last entry (or of the entry given to git last, while
 * one is being written): the session's own; else what the last run kept (keepKnownFiles), when it is
 * of that entry; else the entry's tree, each file to be read once. True when they were not the
 * session's: the entry then walks the whole org.
 */
async function knownFiles(place: GitPlace, session: EntrySession, facts: EntryFacts): Promise<boolean> {
  if (session.known && session.tip !== undefined) return false;
  const head = (await headCommit(place)) ?? '';
  if (session.known?.head === head) return false;
  const kept = facts.note === undefined && head !== '' ? readKnownFiles(place.gitDir, head) : undefined;
  if (kept) session.known = kept;
  else if (head === '') session.known = new KnownFiles('', new Map());
  else session.known = KnownFiles.fromTree(head, await git(place, ['ls-tree', '-r', '-z', '--full-tree', head]));
  return true;
}

/**
 * A large file into an object of the history's store, streamed by git itself from the file: its id.
 * The file is held open as `fd` (opened by the walk's rule, known-files.ts) and handed to git as its
 * descriptor 3 (`/dev/fd/3`): git reads what lemming opened, never a path. git streams a file past
 * core.bigFileThreshold into a pack a piece at a time (given on standard input, or below the
 * threshold, it would hold the whole file in memory); no `.gitattributes` filter applies
 * (`--no-filters`). Speed over size: zlib's fastest level (a file of holes is small at any level;
 * `git gc` packs it again).
 */
async function storeLarge(place: GitPlace, fd: number): Promise<string | undefined> {
  const args = ['-c', `core.bigFileThreshold=${LARGE_FILE_BYTES}`, '-c', 'pack.compression=1', 'hash-object', '-w', '--no-filters', '/dev/fd/3'];
  return (await git({ gitDir: place.gitDir }, args, undefined, [fd])).toString('utf8').trim();
}

/** What an entry left out that a person should hear of (not the secrets and machine-local state every entry leaves out): said once a run for each path. */
function noteLeftOut(session: EntrySession, walked: RecordedWalk): void {
  const said = (session.saidLeftOut ??= new Set());
  const fresh = walked.leftOut.filter((left) => !EXPECTED.has(left.reason) && !said.has(left.path));
  if (fresh.length === 0) return;
  for (const left of fresh) said.add(left.path);
  const shown = fresh.slice(0, 5).map((left) => passedText({ ...left, reason: left.reason as PassReason }, showSize));
  // The walk names the first it left out (LEFT_OUT_KEPT) and counts the rest.
  const unnamed = walked.leftOutCount - walked.leftOut.length;
  session.leftOut = [
    ...(session.leftOut ?? []),
    `the history leaves out ${fresh.length} path(s) that are not plain files or are past a workspace's bounds: ${shown.join(', ')}${fresh.length > shown.length ? ', …' : ''}${unnamed > 0 ? ` (and ${unnamed} more paths left out)` : ''} (docs/history.md#what-an-entry-holds)`,
  ];
}

/** What every entry leaves out, as an export does: not said. */
const EXPECTED: ReadonlySet<string> = new Set(['secret', 'machine-local', 'temporary']);

/** What an entry says it holds, from its changes. */
async function summarise(root: string, facts: EntryFacts, changes: readonly Change[]): Promise<EntrySummary> {
  return {
    kind: facts.kind,
    turn: facts.turn,
    messages: newMessages(changes),
    credits: facts.credits ?? (changes.some((change) => change.path === LEDGER_FILE) ? ledgerCredits(root, facts.turn) : 0),
    changed: changes.length,
    edited: facts.kind === 'edits' ? changes.slice(0, EDITED_KEPT).map((change) => change.path) : [],
    proposals: decidedProposals(root, changes),
    ...(facts.note ? { note: facts.note } : {}),
  };
}

/** The branch's commit, or undefined before the first entry. */
export async function headCommit(place: GitPlace): Promise<string | undefined> {
  const loose = join(place.gitDir, HISTORY_REF);
  const text = readOwnCache(loose)?.trim();
  if (text !== undefined && /^[0-9a-f]{40,64}$/.test(text)) return text;
  try {
    return (await git({ gitDir: place.gitDir }, ['rev-parse', '-q', '--verify', `${HISTORY_REF}^{commit}`])).toString('utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A commit's message (what follows its header). */
export async function commitMessage(place: GitPlace, commit: string): Promise<string> {
  const text = await commitText(place, commit);
  return text.slice(text.indexOf('\n\n') + 2);
}

/** A commit as git keeps it: its headers (tree, parent, author, committer), a blank line, its message. */
export async function commitText(place: GitPlace, commit: string): Promise<string> {
  return (await git({ gitDir: place.gitDir }, ['cat-file', 'commit', commit])).toString('utf8');
}

/** Make the bare repository the first time (its own git directory; never the org's). */
export async function ensureStore(place: GitPlace): Promise<void> {
  if (existsSync(join(place.gitDir, 'HEAD'))) return;
  await git({ gitDir: place.gitDir }, ['init', '--quiet', '--bare', '--initial-branch=main']);
}

const OUTBOX_FILE = /^agents\/([^/]+)\/outbox\/[^/]+\.md$/;

/** New files in outboxes, by the agent whose outbox holds them (its sender). Pure. */
function newMessages(changes: readonly Change[]): Record<string, number> {
  const counts: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const change of changes) {
    const match = change.status === 'A' ? OUTBOX_FILE.exec(change.path) : null;
    if (match?.[1]) counts[match[1]] = (counts[match[1]] ?? 0) + 1;
  }
  return { ...counts };
}

/** The proposals whose files the entry adds or changes, with the status each now has. */
function decidedProposals(root: string, changes: readonly Change[]): string[] {
  const decided: string[] = [];
  for (const change of changes) {
    if (change.status === 'D' || !/^org\/proposals\/[^/]+\.md$/.test(change.path)) continue;
    try {
      const proposal = parseProposal(readFileSync(join(root, change.path), 'utf8'), change.path);
      if (!('error' in proposal)) decided.push(`${proposal.id} ${proposal.status}`);
    } catch {
      // Removed since it was staged: the entry holds it, its status is not said.
    }
  }
  return decided;
}

/**
 * Credits of the ledger's charges for `turn` (a run stopped before its history was written): a turn's
 * charges are all on its own lines, read across the ledger's pieces by the ledger's one rule (a line it
 * cannot count is the engine's to stop at; the entry's summary leaves it out).
 */
function ledgerCredits(root: string, turn: number): number {
  let credits = 0;
  try {
    for (const line of recordLines(readRecordFrom(join(root, LEDGER_FILE), 0).parts)) {
      const { entry, problem } = readLedgerLine(line.text);
      const charge = entry as { type?: string; turn?: number; credits?: number } | undefined;
      if (problem === undefined && charge?.type === 'charge' && charge.turn === turn) credits += charge.credits ?? 0;
    }
  } catch {
    // A piece changed by hand: the engine's to stop at.
  }
  return credits;
}
