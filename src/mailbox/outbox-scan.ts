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
  /** Wall time of that listing: a file added later under a lower name is still found by its mtime. */
  scannedAt: number;
}

export interface OutboxScan {
  cursor: OutboxCursor;
  /** Names of message files not taken in before, in name order. */
  newFiles: string[];
  /** Entries that are not message files a scan can take, with the reason. */
  skipped: Array<{ name: string; reason: string }>;
}

export function isMessageFileName(name: string): boolean {
  return name.endsWith('.md') && !name.startsWith('.');
}

/**
 * List what is new in an outbox since `cursor`. Returns undefined when the directory
 * has not changed (one stat, no listing) or does not exist.
 */
export function scanOutbox(directory: string, cursor: OutboxCursor | undefined, now = Date.now()): OutboxScan | undefined {
  const directoryStat = statSync(directory, { throwIfNoEntry: false });
  if (!directoryStat) return undefined;
  if (cursor && cursor.mtimeMs === directoryStat.mtimeMs) return undefined;
  const entries = readdirSync(directory, { withFileTypes: true }).filter((entry) => isMessageFileName(entry.name));
  entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  const lastName = cursor?.lastName ?? '';
  const above = entries.filter((entry) => entry.name > lastName);
  let fresh = above;
  if (cursor && entries.length !== cursor.count + above.length) {
    // Something was added under a lower name (or removed): take in what changed since the last listing.
    const below = entries.filter((entry) => entry.name <= lastName && changedSince(join(directory, entry.name), cursor.scannedAt));
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
    cursor: { mtimeMs: directoryStat.mtimeMs, lastName: greatest > lastName ? greatest : lastName, count: entries.length, scannedAt: now },
    newFiles,
    skipped,
  };
}

function changedSince(path: string, time: number): boolean {
  try {
    return lstatSync(path).mtimeMs >= time;
  } catch {
    return false;
  }
}
