import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { crashPoint } from '../engine/record/crash-points.js';
import { errorMessage } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { parseProposal } from '../tools/proposals/proposal.js';
import { git, type GitPlace } from './git.js';
import { entryMessage, parseEntryMessage, type EntryKind, type EntrySummary } from './history-entry.js';
import { FastImport } from './fast-import.js';
import { HISTORY_REF, historyPlace, recordedPathspecs } from './history-paths.js';
import { KnownFiles, type Change } from './known-files.js';
import { walkRecordedFiles } from './recorded-files.js';
import { RecordedWatch } from './recorded-watch.js';

/** git's empty tree: what the first entry is compared with. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const EDITED_KEPT = 50;

/** Beside the store: the files its last entry holds, as the last run that wrote one knew them (KnownFiles.text). */
const KNOWN_FILES = 'lemming-known-files.json';

/**
 * Keep what the session knows of the last entry's files for the next run, once git has written
 * every entry it was given: that run's first entry then reads only the files whose stamp moved,
 * not `git add` over the whole org. A file kept for another entry than the branch's is not used.
 */
export function keepKnownFiles(root: string, session: EntrySession): void {
  if (!session.known || session.tip !== undefined) return;
  try {
    writeFileAtomic(join(historyPlace(root).gitDir, KNOWN_FILES), session.known.text());
  } catch {
    // Only the next run's first entry is slower without it.
  }
}

/** The files the last run knew, or undefined; whether they are of the branch's last entry is checked when they are used (recordChanges). */
function readKnownFiles(place: GitPlace): KnownFiles | undefined {
  try {
    return KnownFiles.fromText(readFileSync(join(place.gitDir, KNOWN_FILES), 'utf8'));
  } catch {
    return undefined;
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
  if (session) await writtenSoFar(session);
  const commit = await headCommit(place);
  if (!commit) return undefined;
  if (session?.last?.commit === commit) return session.last;
  const message = (await git(place, ['cat-file', 'commit', commit])).toString('utf8');
  const summary = parseEntryMessage(message.slice(message.indexOf('\n\n') + 2));
  return summary ? { commit, summary } : undefined;
}

/**
 * What a history's writer keeps between entries (history-writer.ts): the files its last entry holds,
 * and the `git fast-import` that writes the next. Without it, or when the branch has moved since
 * (another process wrote an entry), an entry is staged by `git add` over the whole org.
 */
export interface EntrySession {
  known?: KnownFiles;
  importer?: FastImport;
  /** The entry it wrote last: what the next turn asks of the history, with no git run for it. */
  last?: { commit: string; summary: EntrySummary };
  /**
   * The last entry fast-import was given, read but perhaps not yet on the branch: the next turn
   * goes on meanwhile, and so does the next entry, which git takes after it (`tip`); a look at
   * the history, an entry staged by git add and a run's end wait for it.
   */
  pending?: Promise<void>;
  /** fast-import's mark of the last entry it was given (`:N`), the parent of the next: undefined when the branch is the parent. */
  tip?: string;
  /** Why the last pending entry was not written, until the writer says so. */
  problem?: string;
  /** What changed since the last entry, seen by inotify (recorded-watch.ts): an entry walks only there. */
  watch?: RecordedWatch;
}

/** Wait for the session's entry under way (history-writer.ts says its problem, if any). */
export async function writtenSoFar(session: EntrySession): Promise<void> {
  await session.pending;
}

/**
 * Record the org's files as they stand as one entry. Safe to be killed at any moment: git writes
 * its objects whole, and the branch moves last, in one step; what a kill leaves (an index lock,
 * objects nothing points to, a pack not finished) is cleared or ignored by the next entry. Called
 * only by the process that holds the org's lock, so a lock file found here is a dead writer's. An
 * `edits` entry that would change nothing is not made. Returns the summary written, or undefined.
 *
 * A plain entry of a writer that wrote the one before (`session`) records only the files that
 * changed since (those the watch saw, recorded-watch.ts), through one long-lived `git fast-import`;
 * the first entry of a process, one recorded late and a fork's are staged by `git add` over the
 * whole org. A plain entry returns once its files are read: git writes it while the next turn runs
 * (`session.pending`), and the next plain entry is given to git behind it without waiting (its
 * parent is the mark of the one before). A kill meanwhile leaves the history behind the record,
 * which the next run records late, as after a kill before the entry began.
 */
export async function recordEntry(root: string, facts: EntryFacts, session?: EntrySession): Promise<EntrySummary | undefined> {
  const place = historyPlace(root);
  await ensureStore(place);
  // A new run takes the files the last one knew (keepKnownFiles): its first entry reads only what changed since.
  if (session && !session.known && facts.note === undefined) session.known = readKnownFiles(place);
  if (session?.known && facts.note === undefined) {
    try {
      const written = await recordChanges(root, facts, session, session.known);
      if (written !== 'unusual') return written;
    } catch {
      // The quick way failed (fast-import stopped, a file could not be read): the whole org is staged by git instead, as it stands.
      session.importer?.close();
      session.importer = undefined;
    }
    session.known = undefined;
  }
  // git stages on the branch as it stands: every entry given to fast-import is on it first.
  if (session) {
    await writtenSoFar(session);
    session.tip = undefined;
  }
  for (const lock of [`${place.indexFile}.lock`, join(place.gitDir, `${HISTORY_REF}.lock`), join(place.gitDir, 'HEAD.lock')]) rmSync(lock, { force: true });
  // The files as they stand before git reads them: one written meanwhile has another stamp, and is read again next time.
  // Watched from here on: what changes after this walk is what the next entry walks.
  if (session) {
    session.watch ??= RecordedWatch.start(root);
    await session.watch?.take();
  }
  const walked = session ? walkRecordedFiles(root, Date.now(), { beforeFolder: session.watch?.beforeFolder }) : undefined;
  const { present, missing } = recordedPathspecs(root);
  if (present.length > 0) await git(place, ['add', '--all', '--force', '--', ...present]);
  if (missing.length > 0) await git(place, ['rm', '-r', '-q', '--cached', '--ignore-unmatch', '--', ...missing]);
  const parent = await headCommit(place);
  // The index may be older than the branch (entries written by fast-import): the changes are asked of the index against the branch.
  const changes = parseNameStatus(await git(place, ['diff-index', '--cached', '--name-status', '--no-renames', '-z', parent ?? EMPTY_TREE]));
  const known = async (head: string | undefined): Promise<void> => {
    if (session && walked && 'files' in walked && head) session.known = KnownFiles.fromIndex(head, await git(place, ['ls-files', '-s', '-z']), walked.files);
  };
  if (facts.kind === 'edits' && changes.length === 0) {
    await known(parent);
    return undefined;
  }
  const summary = await summarise(root, place, facts, changes, parent);
  // The files are staged and no commit holds them yet: a kill here loses nothing (the next entry stages and commits them).
  crashPoint('mid-history');
  // One process writes the tree and the commit and moves the branch last; no hook, signing or automatic gc of the person's settings runs.
  await git(
    place,
    ['-c', 'core.hooksPath=/dev/null', '-c', 'gc.auto=0', '-c', 'commit.gpgSign=false', 'commit', '--quiet', '--no-verify', '--allow-empty', '--untracked-files=no', '--cleanup=verbatim', '-F', '-'],
    entryMessage(summary),
  );
  const head = await headCommit(place);
  await known(head);
  if (session && head) session.last = { commit: head, summary };
  return summary;
}

/** A plain entry from the files known to the last one: only what changed is read and written. 'unusual' when git must stage it. */
async function recordChanges(root: string, facts: EntryFacts, session: EntrySession, known: KnownFiles): Promise<EntrySummary | undefined | 'unusual'> {
  const place = historyPlace(root);
  // Entries given to this session's fast-import are the branch's only writer: the branch is checked when none is under way.
  if (session.tip === undefined && (await headCommit(place)) !== known.head) return 'unusual';
  // Where something changed since the last entry, when the watch saw it all; else the whole org (watched again as it goes).
  session.watch ??= RecordedWatch.start(root);
  const scope = await session.watch?.take();
  const walked = walkRecordedFiles(root, Date.now(), { ...(scope ? { scope } : {}), beforeFolder: session.watch?.beforeFolder });
  if ('unusual' in walked) return 'unusual';
  const { changes, writes, next } = known.compare(root, walked.files, scope);
  if (facts.kind === 'edits' && changes.length === 0) {
    known.advance(known.head, next);
    return undefined;
  }
  // The credits of an entry the engine gave none are read from the ledger of the parent, which git must have written.
  if (facts.credits === undefined && session.tip !== undefined) await writtenSoFar(session);
  const summary = await summarise(root, place, facts, changes, known.head);
  // Nothing is written yet: a kill here loses nothing (the next entry finds the same changes).
  crashPoint('mid-history');
  if (!session.importer?.usable) {
    session.importer = new FastImport(place);
    session.tip = undefined;
  }
  const importer = session.importer;
  // The bytes are in `writes` already: the files may change from here on, the entry is of the moment they were read.
  const { mark, commit: written } = importer.commit(session.tip ?? known.head, entryMessage(summary), writes, new Date());
  session.tip = mark;
  known.advance(known.head, next);
  session.pending = written.then(
    (commit) => {
      // The last entry given: the branch is at it now, and the next entry may check it again.
      if (session.tip === mark) {
        known.advance(commit, next);
        session.tip = undefined;
      }
      session.last = { commit, summary };
    },
    (error: unknown) => {
      // The branch did not move: the next entry is staged by git add over the whole org, and holds this one's changes too.
      importer.close();
      if (session.importer === importer) session.importer = undefined;
      session.known = undefined;
      session.problem = `the entry of ${facts.kind === 'turn' ? `turn ${facts.turn}` : `the edits before turn ${facts.turn + 1}`} was not written (${errorMessage(error)}); the next entry holds its changes`;
    },
  );
  return summary;
}

/** What an entry says it holds, from its changes. */
async function summarise(root: string, place: GitPlace, facts: EntryFacts, changes: readonly Change[], parent: string | undefined): Promise<EntrySummary> {
  return {
    kind: facts.kind,
    turn: facts.turn,
    messages: newMessages(changes),
    credits: facts.credits ?? (changes.some((change) => change.path === 'org/state/ledger.jsonl') ? await ledgerCredits(place, parent, facts.turn) : 0),
    changed: changes.length,
    edited: facts.kind === 'edits' ? changes.slice(0, EDITED_KEPT).map((change) => change.path) : [],
    proposals: decidedProposals(root, changes),
    ...(facts.note ? { note: facts.note } : {}),
  };
}

/** The branch's commit, or undefined before the first entry. */
export async function headCommit(place: GitPlace): Promise<string | undefined> {
  const loose = join(place.gitDir, HISTORY_REF);
  if (existsSync(loose)) {
    const text = readFileSync(loose, 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(text)) return text;
  }
  try {
    return (await git({ gitDir: place.gitDir }, ['rev-parse', '-q', '--verify', `${HISTORY_REF}^{commit}`])).toString('utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Make the bare repository the first time (its own git directory; never the org's). */
export async function ensureStore(place: GitPlace): Promise<void> {
  if (existsSync(join(place.gitDir, 'HEAD'))) return;
  await git({ gitDir: place.gitDir }, ['init', '--quiet', '--bare', '--initial-branch=main']);
  // The index of an org of thousands of files is written at every entry: version 4 is the smaller one.
  await git({ gitDir: place.gitDir }, ['config', 'index.version', '4']);
  await git({ gitDir: place.gitDir }, ['config', 'core.untrackedCache', 'true']);
}

/** `git diff-index -z --name-status` output: status NUL path NUL, repeated. Pure. */
export function parseNameStatus(output: Buffer): Change[] {
  const parts = output.toString('utf8').split('\0');
  const changes: Change[] = [];
  for (let index = 0; index + 1 < parts.length; index += 2) changes.push({ status: parts[index] as string, path: parts[index + 1] as string });
  return changes;
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

/** Credits of the ledger's charges for `turn` among the lines this entry adds (a run stopped before its history was written). */
async function ledgerCredits(place: GitPlace, parent: string | undefined, turn: number): Promise<number> {
  const diff = (await git(place, ['diff', '--cached', '--no-color', '-U0', parent ?? EMPTY_TREE, '--', 'org/state/ledger.jsonl'])).toString('utf8');
  let credits = 0;
  for (const line of diff.split('\n')) {
    if (!line.startsWith('+{')) continue;
    try {
      const entry = JSON.parse(line.slice(1)) as { type?: string; turn?: number; credits?: number };
      if (entry.type === 'charge' && entry.turn === turn && typeof entry.credits === 'number') credits += entry.credits;
    } catch {
      // A line cut by a crash: the ledger's own repair drops it.
    }
  }
  return credits;
}
