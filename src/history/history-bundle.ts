import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { orgFilesBytes } from '../org/walk-org.js';
import { workspaceLimitsOf } from '../org/workspace-limits.js';
import { EXIT, LemmingError } from '../errors.js';
import { gitEnvironment, GitError, gitSync } from './git.js';
import { TURN_KINDS, type HistoryEntry } from './history-entry.js';
import { HISTORY_REF, historyPlace } from './history-paths.js';
import { unsafeHistoryContent } from './history-safety.js';
import { listHistory } from './read-history.js';
import { orgPath } from './stored-path.js';
import { ensureStore } from './record-entry.js';

/*
 * How a history travels: as a git bundle (`git bundle create`), never as a copy of the store's folder.
 * A bundle is a list of refs and one pack of objects: it has no config, no hooks, no info/attributes,
 * no alternates, no index, no links and no file modes of its own, so nothing in it can name a
 * program git would run (core.fsmonitor on each `git add` the history writer makes, filters, hooks,
 * core.sshCommand) or a file outside the store. The importing side makes a new store of its own,
 * with lemming's settings only, and fetches the branch into it with every object checked
 * (transfer.fsckObjects); then the entries' files are checked too (history-safety.ts).
 */

/** What a bundle holds. */
export interface BundleReport {
  entries: number;
  /** The first and last turn its entries stand for. */
  first: number;
  last: number;
}

/** The first line of every bundle git writes (v3 when the repository needs capabilities). */
const BUNDLE_SIGNATURES = ['# v2 git bundle\n', '# v3 git bundle\n'];

/**
 * Write the history of the org at `root` as a bundle at `file`: its one branch, every entry.
 * Refuses a history an import would refuse (history-safety.ts), saying which entry, so it is
 * found where the history is, not where it lands. The caller holds the org (turn gate and lock);
 * `orgBytes` is what its files hold as the export carries them (what an entry is bounded by).
 */
export function writeHistoryBundle(root: string, file: string, orgBytes: number): BundleReport {
  let entries: HistoryEntry[];
  try {
    entries = listHistory(root);
  } catch (error) {
    if (error instanceof LemmingError && error.code === 'no-history') throw new LemmingError('no-history', `${error.message}; or export without --history`, { exitCode: EXIT.usage });
    throw error;
  }
  const { gitDir } = historyPlace(root);
  const problems = unsafeHistoryContent(gitDir, orgBytes);
  if (problems.length > 0) {
    throw new LemmingError(
      'unsafe-history',
      `${gitDir}: the history holds what an import refuses: ${problems.join('; ')}; export without --history, or drop those entries with \`lemming history --prune-before N\``,
      { exitCode: EXIT.usage },
    );
  }
  gitSync({ gitDir }, ['bundle', 'create', '--quiet', file, HISTORY_REF]);
  return reportOf(entries);
}

/**
 * Every blob of the org's history, one at a time (`git cat-file --batch-all-objects`, each object
 * read once however many entries hold it): for the export's look for secret values.
 */
export async function* historyBlobs(root: string): AsyncGenerator<{ id: string; bytes: Buffer }> {
  const child = spawn('git', ['cat-file', '--batch-all-objects', '--unordered', '--batch'], { env: gitEnvironment({ gitDir: historyPlace(root).gitDir }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const end = pending.indexOf(10);
      if (end < 0) break;
      // `<id> <type> <size>\n<content>\n`
      const [id, type, size] = pending.subarray(0, end).toString('utf8').split(' ');
      const length = Number(size);
      if (pending.length < end + 1 + length + 1) break;
      const bytes = pending.subarray(end + 1, end + 1 + length);
      pending = pending.subarray(end + 1 + length + 1);
      if (type === 'blob' && id) yield { id, bytes };
    }
  }
  const status = await closed;
  if (status !== 0) throw new GitError(['cat-file', '--batch-all-objects'], status, stderr);
}

/** The first path and entry that hold a blob: said when the export refuses it. */
export function whereBlobIs(root: string, blob: string): string {
  const found = gitSync({ gitDir: historyPlace(root).gitDir }, ['log', '--reverse', '--format=%h', '--name-only', `--find-object=${blob}`, HISTORY_REF]).toString('utf8').trim().split('\n').filter((line) => line !== '');
  return found.length >= 2 ? `${orgPath(found[1] as string)} (entry ${found[0]})` : `object ${blob.slice(0, 7)}`;
}

/**
 * Make the history of the org being imported at `root` from the bundle at `bundle` (an archive's
 * outside bytes): a new store made here, the bundle checked to be one (not a gitfile or a path
 * naming another repository), verified, and its branch fetched with every object checked; then
 * each entry's files (history-safety.ts). Throws a `bad-archive` error saying what is wrong; the
 * caller removes what was made.
 */
export async function restoreHistoryBundle(bundle: string, root: string, label: string): Promise<BundleReport> {
  const bad = (what: string): LemmingError =>
    new LemmingError('bad-archive', `${label}: its lemming-history.bundle ${what}; nothing was imported (an archive written by \`lemming export --history\` imports)`, { exitCode: EXIT.usage });
  if (!BUNDLE_SIGNATURES.includes(firstBytes(bundle, 16))) throw bad('is not a git bundle');
  const place = historyPlace(root);
  await ensureStore(place);
  const store = { gitDir: place.gitDir };
  try {
    gitSync(store, ['bundle', 'verify', '--quiet', bundle]);
    const heads = gitSync(store, ['bundle', 'list-heads', bundle, HISTORY_REF]).toString('utf8');
    if (!heads.includes(HISTORY_REF)) throw bad(`holds no ${HISTORY_REF}`);
    gitSync(store, ['-c', 'transfer.fsckObjects=true', '-c', 'core.hooksPath=/dev/null', 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', bundle, `${HISTORY_REF}:${HISTORY_REF}`]);
  } catch (error) {
    if (error instanceof GitError) throw bad(`was refused by git: ${error.message}`);
    throw error;
  }
  const problems = unsafeHistoryContent(place.gitDir, orgFilesBytes(root, workspaceLimitsOf(undefined)));
  if (problems.length > 0) throw bad(`holds what a history never does: ${problems.join('; ')}`);
  const entries = listHistory(root);
  if (!entries.some((entry) => TURN_KINDS.includes(entry.kind))) throw bad('holds no entry lemming wrote');
  return reportOf(entries);
}

function reportOf(entries: readonly HistoryEntry[]): BundleReport {
  const turns = entries.filter((entry) => TURN_KINDS.includes(entry.kind)).map((entry) => entry.turn);
  return { entries: entries.length, first: Math.min(...turns), last: Math.max(...turns) };
}

function firstBytes(file: string, count: number): string {
  const descriptor = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const read = readSync(descriptor, buffer, 0, count, 0);
    return buffer.subarray(0, read).toString('latin1');
  } finally {
    closeSync(descriptor);
  }
}
