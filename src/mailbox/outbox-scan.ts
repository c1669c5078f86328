import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the engine last saw of one outbox. A turn only lists an outbox whose
 * directory changed since, so the cost of a scan does not grow with history.
 */
export interface OutboxCursor {
  /** mtime of the outbox directory when it was last listed. */
  mtimeMs: number;
  /** The greatest file name already taken in. */
  lastName: string;
  /** How many message files the outbox held then. */
  count: number;
  /**
   * The file system's own time of the last change the listing (or the engine's own writes)
   * covered: a file added later under a lower name is still found, by its mtime.
   */
  scannedAt: number;
  /**
   * Files the engine wrote since that listing, when someone else changed the folder too:
   * the next listing takes in everything new except these.
   */
  ownSince?: string[];
}

/** What `scanOutbox` found in an outbox that changed since its cursor. */
export interface OutboxScan {
  cursor: OutboxCursor;
  /** Names of message files not taken in before, in name order. */
  newFiles: string[];
  /** Entries that are not message files a scan can take, with the reason. */
  skipped: Array<{ name: string; reason: string }>;
}

/** Any visible `.md` file counts as mail, not only names lemming makes; temporary files start with a dot. */
export function isMessageFileName(name: string): boolean {
  return name.endsWith('.md') && !name.startsWith('.');
}

/**
 * List what is new in an outbox since `cursor`. Returns undefined when the directory
 * has not changed (one stat, no listing) or does not exist.
 */
export function scanOutbox(directory: string, cursor: OutboxCursor | undefined): OutboxScan | undefined {
  const directoryStat = statSync(directory, { throwIfNoEntry: false });
  if (!directoryStat) return undefined;
  if (cursor && cursor.mtimeMs === directoryStat.mtimeMs) return undefined;
  if (!directoryStat.isDirectory()) return undefined;
  const entries = readdirSync(directory, { withFileTypes: true }).filter((entry) => isMessageFileName(entry.name));
  entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  const lastName = cursor?.lastName ?? '';
  const own = new Set(cursor?.ownSince ?? []);
  const above = entries.filter((entry) => entry.name > lastName && !own.has(entry.name));
  const ownPresent = entries.filter((entry) => own.has(entry.name)).length;
  let fresh = above;
  if (cursor && entries.length > cursor.count + ownPresent + above.length) {
    // Files were added under lower names: take in those changed since the last listing. (Files that were
    // only removed leave the count short, and nothing old is taken in again.)
    const below = entries.filter(
      (entry) => entry.name <= lastName && !own.has(entry.name) && changedSince(join(directory, entry.name), cursor.scannedAt),
    );
    fresh = [...below, ...above];
  }
  const newFiles: string[] = [];
  const skipped: OutboxScan['skipped'] = [];
  for (const entry of fresh) {
    if (entry.isSymbolicLink()) skipped.push({ name: entry.name, reason: 'is a symbolic link; lemming does not follow links in outboxes' });
    else if (!entry.isFile()) skipped.push({ name: entry.name, reason: 'is not a regular file' });
    else newFiles.push(entry.name);
  }
  const greatest = entries.at(-1)?.name ?? '';
  return {
    cursor: { mtimeMs: directoryStat.mtimeMs, lastName: greatest > lastName ? greatest : lastName, count: entries.length, scannedAt: directoryStat.mtimeMs },
    newFiles,
    skipped,
  };
}

function changedSince(path: string, time: number): boolean {
  try {
    return lstatSync(path).mtimeMs > time;
  } catch {
    return false;
  }
}

/**
 * The cursor after the engine wrote `written` into an outbox. When no one else changed
 * the folder since the cursor's listing (its mtime before the writes is the cursor's),
 * the cursor moves past the engine's own files and the next turn need not list the
 * folder. Otherwise the old listing stands, so the next turn lists the folder and takes
 * in what someone else added, and the engine's own files are remembered as not new.
 */
export function cursorAfterOwnWrites(
  previous: OutboxCursor | undefined,
  written: string[],
  mtimeBefore: number | undefined,
  mtimeAfter: number,
): OutboxCursor | undefined {
  if (written.length === 0) return previous;
  const untouched = previous === undefined ? mtimeBefore === undefined : previous.ownSince === undefined && mtimeBefore === previous.mtimeMs;
  if (untouched) {
    const greatest = written.reduce((max, name) => (name > max ? name : max), previous?.lastName ?? '');
    return { mtimeMs: mtimeAfter, lastName: greatest, count: (previous?.count ?? 0) + written.length, scannedAt: mtimeAfter };
  }
  const base = previous ?? { mtimeMs: -1, lastName: '', count: 0, scannedAt: 0 };
  return { ...base, ownSince: [...new Set([...(base.ownSince ?? []), ...written])] };
}
