import { readdirSync, statSync } from 'node:fs';
import type { LookedStat } from '../storage/look-ahead.js';

/**
 * A hint about one outbox folder: its mtime when the engine last knew every file in it.
 * While the folder's mtime is still that, nothing was added, so it need not be listed.
 * Hints only say which folders are worth listing; whether a file is new is decided by
 * the record of files taken in (names), never by a time.
 */
export interface OutboxHint {
  mtimeMs: number;
}

/** What `scanOutbox` found in an outbox that may have changed. */
export interface OutboxScan {
  /** The hint to keep after this listing, if the folder's times can be trusted. */
  hint?: OutboxHint;
  /** Names of message files not taken in before, in name order. */
  newFiles: string[];
  /** New entries that are not message files a scan can take, with the reason. */
  skipped: Array<{ name: string; reason: string }>;
  /** The folder could not be listed (permissions, an I/O error): nothing in it was taken in. */
  error?: string;
}

/** Any visible `.md` file counts as mail, not only names lemming makes; temporary files start with a dot. */
export function isMessageFileName(name: string): boolean {
  return name.endsWith('.md') && !name.startsWith('.');
}

/**
 * A time with no part below the second comes from a file system that keeps whole (or even
 * two) seconds: a file added in the same second leaves the folder's time unchanged, so such
 * a folder is listed every turn instead of trusted.
 */
export function trustworthyTime(mtimeMs: number): boolean {
  return mtimeMs % 1000 !== 0;
}

/**
 * List what is new in an outbox: every message file whose name `isTaken` does not know.
 * Returns undefined when the folder's mtime is the hint's (one stat, no listing) or the
 * folder does not exist.
 */
export function scanOutbox(directory: string, hint: OutboxHint | undefined, isTaken: (name: string) => boolean): OutboxScan | undefined {
  const directoryStat = outboxToList(directory, hint);
  return directoryStat && listOutbox(directory, directoryStat, isTaken);
}

/**
 * The first half of `scanOutbox`: the folder's stat when it is to be listed, undefined when its
 * mtime is the hint's or it does not exist. One stat: all an idle agent's outbox costs a turn.
 */
export function outboxToList(directory: string, hint: OutboxHint | undefined): LookedStat | undefined {
  return outboxWorthListing(statSync(directory, { throwIfNoEntry: false }), hint);
}

/** `outboxToList` for a stat the caller took (on two cores: look-ahead.ts); undefined: nothing there. */
export function outboxWorthListing(directoryStat: LookedStat | undefined, hint: OutboxHint | undefined): LookedStat | undefined {
  if (!directoryStat || !directoryStat.isDirectory()) return undefined;
  if (hint && hint.mtimeMs === directoryStat.mtimeMs) return undefined;
  return directoryStat;
}

/** The second half of `scanOutbox`: list the outbox whose stat, taken before listing, `outboxToList` gave. */
export function listOutbox(directory: string, directoryStat: Pick<LookedStat, 'mtimeMs'>, isTaken: (name: string) => boolean): OutboxScan {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    return { newFiles: [], skipped: [], error: `cannot be listed (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  const fresh = entries.filter((entry) => isMessageFileName(entry.name) && !isTaken(entry.name));
  fresh.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  const newFiles: string[] = [];
  const skipped: OutboxScan['skipped'] = [];
  for (const entry of fresh) {
    if (entry.isSymbolicLink()) skipped.push({ name: entry.name, reason: 'is a symbolic link; lemming does not follow links in outboxes' });
    else if (!entry.isFile()) skipped.push({ name: entry.name, reason: 'is not a regular file' });
    else newFiles.push(entry.name);
  }
  // The time read before the listing: a file added while listing changes it, so the next turn lists again.
  const scan: OutboxScan = { newFiles, skipped };
  if (trustworthyTime(directoryStat.mtimeMs)) scan.hint = { mtimeMs: directoryStat.mtimeMs };
  return scan;
}

/**
 * The hint after the engine wrote into an outbox. When no one else changed the folder
 * since the hint (its mtime before the writes is the hint's), the hint moves past the
 * engine's own files and the next turn need not list the folder. Otherwise there is no
 * hint, so the next turn lists the folder and takes in whatever is not in the record.
 */
export function hintAfterOwnWrites(previous: OutboxHint | undefined, mtimeBefore: number | undefined, mtimeAfter: number): OutboxHint | undefined {
  if (previous === undefined || mtimeBefore !== previous.mtimeMs || !trustworthyTime(mtimeAfter)) return undefined;
  return { mtimeMs: mtimeAfter };
}
