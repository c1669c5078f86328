import { nameRecord } from '../../org/names.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { statePaths } from '../../engine/record/state-paths.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import type { IndexedMessage } from './indexed-message.js';
import { readSavedJson } from '../../storage/read-own-file.js';

/** Where the index lives: machine-local state, derived from the outboxes, safe to delete. */
export function searchIndexPath(root: string): string {
  return join(statePaths(root).cache, 'search-index.json');
}

/** Bumped whenever the saved shape changes: an index of another version is rebuilt (4: previews are plain words cut at a word; 5: a message to several people keeps `others`). */
export const SAVED_FORMAT = 5;

/** What the index knows of one outbox: when it was last listed, and the id of each file (null: not a message). */
export interface OutboxRecord {
  /** The folder's mtime when it was listed, or -1 when that listing cannot be trusted to be the last (see trustedMtime). */
  mtimeMs: number;
  files: Map<string, string | null>;
  /** For each file that did not read as a message: its mtime and size then, so a file mended in place is read again. */
  unreadable?: Record<string, string>;
}

/** An outbox's record as saved: the same, with its files as an object. */
type SavedOutbox = Omit<OutboxRecord, 'files'> & { files: Record<string, string | null> };

/** `search-index.json`. */
export interface SavedIndex {
  format: number;
  /** The root it was built for: an org copied elsewhere with its cache gets a fresh index. */
  root: string;
  outboxes: Record<string, SavedOutbox>;
  messages: IndexedMessage[];
  /** The full-text index, as minisearch saves it. */
  search: unknown;
}

export function toSaved(record: OutboxRecord): SavedOutbox {
  return { ...record, files: Object.fromEntries(record.files) };
}

export function fromSaved(saved: SavedOutbox): OutboxRecord {
  // Keyed by file names someone may have chosen (`constructor`): read back without a prototype (see org/names.ts).
  return { ...saved, files: new Map(Object.entries(saved.files)), ...(saved.unreadable ? { unreadable: nameRecord(saved.unreadable) } : {}) };
}

/** The saved index, or undefined when there is none, or it is unreadable, of another format or of another root (it is rebuilt). */
export function readSaved(root: string): SavedIndex | undefined {
  try {
    const saved = readSavedJson<Partial<SavedIndex>>(searchIndexPath(root)) ?? {};
    if (saved.format !== SAVED_FORMAT || saved.root !== root || !saved.outboxes || !Array.isArray(saved.messages) || !saved.search) return undefined;
    return saved as SavedIndex;
  } catch {
    return undefined;
  }
}

/**
 * Save the index into the org's cache. An org whose `org/state/` is gone (removed or moved while
 * its dashboard served) gets none: the write would make the removed folders again, to hold
 * only this cache.
 */
export function writeSaved(root: string, saved: SavedIndex): void {
  if (!existsSync(statePaths(root).directory)) return;
  writeFileAtomic(searchIndexPath(root), JSON.stringify(saved));
}
