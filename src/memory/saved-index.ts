import { lstatSync } from 'node:fs';
import { readRegularFile } from '../storage/read-regular-file.js';
import { MEMORY_KINDS, type Memory } from './memory-file.js';

/**
 * A stream index as it is kept between processes, `org/state/cache/memory/<name>.json`: a cache, so
 * whatever is found there is checked before it is believed. A file larger than MAX_SAVED_BYTES is not
 * read at all; one that is not JSON, or not of this shape to the last field, is not taken: the index
 * is rebuilt from the memory files, which are the truth.
 */

export const SAVED_VERSION = 2;
/**
 * The largest saved index read, or written: a stream's bounds (stream-walk.ts: 5,000 files, 16 MB of
 * them) written as JSON, whose escapes can make a byte of text several.
 */
export const MAX_SAVED_BYTES = 64 * 1024 * 1024;

/** A file of the stream as saved: a memory, or why it cannot be read. */
export type SavedHeld = Memory | { error: string };

/** The older files a stream's last listing left out (stream-walk.ts), and the bound that left them. */
export interface LeftOut {
  reason: 'files' | 'bytes';
  /** The newest file left out: it and those before it are (absent when the walk did not name it). */
  from?: string;
}

export interface SavedIndex {
  version: typeof SAVED_VERSION;
  /** The folder's time when the entries were last brought up to date with it: unmoved, they need no `stat` of each file. */
  folderTime: number | null;
  /** [file name, stamp, memory or error] */
  entries: Array<[string, string, SavedHeld]>;
  /** What that listing left out. */
  leftOut?: LeftOut;
}

/** A stamp as memory-index.ts makes it: `mtimeMs:size`. */
const STAMP = /^\d+(\.\d+)?:\d+$/;

/** A file name of the stream: one part of a path, a markdown file, not hidden. */
export function isStreamName(name: unknown): name is string {
  return typeof name === 'string' && name.endsWith('.md') && !name.startsWith('.') && !name.includes('/') && !name.includes('\0') && Buffer.byteLength(name) <= 255;
}

const isWhole = (value: unknown, low: number, high: number): value is number => typeof value === 'number' && Number.isInteger(value) && value >= low && value <= high;

/** The memory a saved entry holds, when it is one to the last field (as parseMemoryFile makes them); undefined otherwise. Pure. */
function heldOf(value: unknown, maxText: number): SavedHeld | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  if ('error' in fields) return Object.keys(fields).length === 1 && typeof fields.error === 'string' && fields.error.length <= 8_000 ? { error: fields.error } : undefined;
  const { id, turn, kind, importance, sources, rated, text } = fields;
  if (typeof id !== 'string' || id === '' || id.length > 255) return undefined;
  if (!isWhole(turn, 0, Number.MAX_SAFE_INTEGER) || !isWhole(importance, 1, 10)) return undefined;
  if (!(MEMORY_KINDS as readonly unknown[]).includes(kind)) return undefined;
  if (!Array.isArray(sources) || !sources.every((source) => typeof source === 'string')) return undefined;
  if (typeof text !== 'string' || text.length > maxText) return undefined;
  if (rated !== undefined && (typeof rated !== 'string' || rated === '' || rated.length > 255)) return undefined;
  return { id, turn, kind: kind as Memory['kind'], importance, sources: [...(sources as string[])], ...(rated === undefined ? {} : { rated }), text };
}

/**
 * A saved index read from its text, when it is what memory-index.ts writes to the last field, with at
 * most `maxEntries` entries of texts of at most `maxText` characters; undefined otherwise. Pure.
 */
export function parseSavedIndex(text: string, maxEntries: number, maxText: number): SavedIndex | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const saved = value as Record<string, unknown>;
  if (saved.version !== SAVED_VERSION || !Array.isArray(saved.entries) || saved.entries.length > maxEntries) return undefined;
  if (saved.folderTime !== null && typeof saved.folderTime !== 'number') return undefined;
  const entries: SavedIndex['entries'] = [];
  const names = new Set<string>();
  for (const entry of saved.entries as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 3) return undefined;
    const [name, stamp, held] = entry as unknown[];
    if (!isStreamName(name) || names.has(name) || typeof stamp !== 'string' || !STAMP.test(stamp)) return undefined;
    const memory = heldOf(held, maxText);
    if (!memory) return undefined;
    names.add(name);
    entries.push([name, stamp, memory]);
  }
  const leftOut = leftOutOf(saved.leftOut);
  if (leftOut === null) return undefined;
  return { version: SAVED_VERSION, folderTime: saved.folderTime, entries, ...(leftOut ? { leftOut } : {}) };
}

/** `leftOut` as saved: undefined when absent, null when it is not what it should be. */
function leftOutOf(value: unknown): LeftOut | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return null;
  const { reason, from } = value as Record<string, unknown>;
  if (reason !== 'files' && reason !== 'bytes') return null;
  if (from !== undefined && !isStreamName(from)) return null;
  return { reason, ...(from === undefined ? {} : { from }) };
}

/**
 * Read the saved index at `file`: a regular file (no link followed, no pipe waited on) of at most
 * MAX_SAVED_BYTES, checked by parseSavedIndex. Undefined when there is none, or it is not to be
 * believed: the caller lists the stream.
 */
export function readSavedIndex(file: string, maxEntries: number, maxText: number): SavedIndex | undefined {
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size > MAX_SAVED_BYTES) return undefined;
  const read = readRegularFile(file, MAX_SAVED_BYTES);
  if ('error' in read || read.truncated) return undefined;
  return parseSavedIndex(read.text, maxEntries, maxText);
}

/** The text of a saved index, or undefined when it would be larger than MAX_SAVED_BYTES (the next process reads the files). Pure. */
export function savedIndexText(saved: SavedIndex): string | undefined {
  const text = JSON.stringify(saved);
  return Buffer.byteLength(text) > MAX_SAVED_BYTES ? undefined : text;
}
