import { readRegularBytes } from './read-regular-file.js';

/**
 * A file lemming wrote for itself (its state under `org/state/`, a cache, a result it keeps), read
 * back: its bytes, `absent` when nothing is there, or a `problem` (said after the file's name: "is a folder")
 * when something else is. lemming writes these files whole and puts them in place by rename, so anything but a
 * regular file of its own is not its file: a link is not followed (it could name a file outside the
 * org), and a pipe or device is not opened to wait on (opening a pipe for reading blocks until someone
 * writes, and a run or `lemming status` waited for good).
 */
export type OwnFileRead = { bytes: Buffer; truncated: boolean; size: number } | { absent: true } | { problem: string };

/**
 * The most bytes of a file lemming reads as one text: below the longest string V8 makes (some
 * 512 MiB), so turning them into text never throws, and far past any record it reads whole.
 */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;

/** At most `maxBytes` are read (`truncated` then says the file is longer); by default the whole file. */
export function readOwnFile(path: string, maxBytes = Number.MAX_SAFE_INTEGER): OwnFileRead {
  const read = readRegularBytes(path, maxBytes);
  if ('bytes' in read) return read;
  if (read.code === 'ENOENT') return { absent: true };
  if (read.code === 'ELOOP') return { problem: 'is a symbolic link, which lemming does not follow out of its state' };
  if (read.code === 'EISDIR') return { problem: 'is a folder' };
  return { problem: read.error };
}

/**
 * A record lemming wrote and must read whole as text (a transcript, a recording, a run's result):
 * its text, `absent`, or the `problem` readOwnFile says, or that it is longer than `maxBytes`.
 */
export function readOwnText(path: string, maxBytes = MAX_TEXT_BYTES): { text: string } | { absent: true } | { problem: string } {
  const read = readOwnFile(path, maxBytes);
  if (!('bytes' in read)) return read;
  if (read.truncated) return { problem: `is ${read.size} bytes, more than lemming reads back (at most ${maxBytes})` };
  return { text: read.bytes.toString('utf8') };
}

/**
 * A cache's or a kept result's text, or undefined when it is not there or is not a regular file of
 * lemming's: then what it saved is worked out again, and writing it anew (by rename) replaces
 * whatever stood in its place.
 */
export function readOwnCache(path: string): string | undefined {
  const read = readOwnFile(path);
  return 'bytes' in read ? read.bytes.toString('utf8') : undefined;
}

/** readOwnCache's bytes, for a cache that is not text. */
export function readOwnCacheBytes(path: string): Buffer | undefined {
  const read = readOwnFile(path);
  return 'bytes' in read ? read.bytes : undefined;
}

/**
 * A JSON file lemming wrote for itself to find again (a fork's or a run's result, a report, a cache),
 * or undefined when it is not there, not whole or not a regular file: then the work it would have
 * saved is done again.
 */
export function readSavedJson<T>(path: string): T | undefined {
  const text = readOwnCache(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
