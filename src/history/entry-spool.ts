import { closeSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { readOwnCacheBytes } from '../storage/read-own-file.js';

/**
 * Entries handed to `git fast-import` and not yet written by it, each kept whole beside the store
 * until git says it wrote it. An entry is read when its turn commits and written by git while the
 * next turn runs: a run killed meanwhile (or a git killed with it) would lose it, and the files it
 * was read from have moved on by then. The next run writes what is kept here first, as it was read
 * (recover-entries.ts), so a kill loses no entry git was given.
 */
const SPOOL = 'lemming-pending';

/** The folder the entries are kept in, beside the store. */
export function spoolFolder(gitDir: string): string {
  return join(gitDir, SPOOL);
}

/** What an entry kept here needs besides its changes (fast-import's `M` and `D` lines, kept as given). */
export interface SpooledHeader {
  /** The commit message. */
  message: string;
  /** When it was recorded (ms since the epoch): the commit's time. */
  when: number;
  /** Its parent when it was given: a commit's id, or the message of the entry given just before it (then still under way); absent for the history's first. */
  parent?: { commit: string } | { message: string };
}

/** An entry kept here, in the order they were given. */
export interface SpooledEntry {
  path: string;
  header: SpooledHeader;
  changes: Buffer;
}

let given = 0;

/**
 * Keep an entry before git is given it: one file, written whole (a temporary, then renamed), so a
 * kill leaves it or not, never half. Returns its path, for `unspool` once git has written it.
 */
export function spoolEntry(gitDir: string, header: SpooledHeader, changes: readonly Buffer[]): string {
  const folder = spoolFolder(gitDir);
  mkdirSync(folder, { recursive: true });
  given += 1;
  // By time, then by the order within this process: a later run's entries sort after a dead one's.
  const name = `${String(Date.now()).padStart(15, '0')}-${String(process.pid).padStart(8, '0')}-${String(given).padStart(9, '0')}.entry`;
  const path = join(folder, name);
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeAllv(fd, [Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), ...changes]);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return path;
}

/** git wrote the entry: it need not be kept. */
export function unspool(path: string): void {
  rmSync(path, { force: true });
}

/** The entries kept, oldest first (a temporary a kill left is removed); one that cannot be read is dropped. */
export function spooledEntries(gitDir: string): SpooledEntry[] {
  const folder = spoolFolder(gitDir);
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return [];
  }
  const entries: SpooledEntry[] = [];
  for (const name of names) {
    const path = join(folder, name);
    if (!name.endsWith('.entry')) {
      rmSync(path, { force: true });
      continue;
    }
    const bytes = readOwnCacheBytes(path);
    // Not a file of the spool's (a folder, a pipe): not read, not waited on, and not removed.
    if (bytes === undefined) continue;
    const end = bytes.indexOf(10);
    const header = headerOf(bytes.subarray(0, end < 0 ? 0 : end));
    if (header) entries.push({ path, header, changes: bytes.subarray(end + 1) });
    else rmSync(path, { force: true });
  }
  return entries;
}

/** The most of an entry's first line (its header) read to say what it holds. */
const HEADER_READ = 256 * 1024;

/**
 * The messages of the entries kept, oldest first, for a command that only reads: each header alone
 * is read and nothing is removed (a run may be writing them). One that cannot be read is left out.
 */
export function spooledMessages(gitDir: string): string[] {
  const folder = spoolFolder(gitDir);
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.entry')).sort();
  } catch {
    return [];
  }
  const messages: string[] = [];
  // One buffer for every header: a long run killed leaves many entries.
  const bytes = Buffer.alloc(HEADER_READ);
  for (const name of names) {
    try {
      const fd = openSync(join(folder, name), 'r');
      let length: number;
      try {
        length = readSync(fd, bytes, 0, HEADER_READ, 0);
      } finally {
        closeSync(fd);
      }
      const end = bytes.subarray(0, length).indexOf(10);
      const header = headerOf(bytes.subarray(0, end < 0 ? 0 : end));
      if (header) messages.push(header.message);
    } catch {
      // Written by git meanwhile and removed: the run that writes them judges what is left.
    }
  }
  return messages;
}

/** An entry's first line as its header, or undefined when it is not one. */
function headerOf(line: Buffer): SpooledHeader | undefined {
  try {
    const header = JSON.parse(line.toString('utf8')) as Partial<SpooledHeader> | null;
    return typeof header?.message === 'string' && typeof header.when === 'number' ? (header as SpooledHeader) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether any entry is kept (a look at one folder). */
export function hasSpooled(gitDir: string): boolean {
  try {
    return readdirSync(spoolFolder(gitDir)).length > 0;
  } catch {
    return false;
  }
}

/** Forget every entry kept (the history went another way since they were given). */
export function dropSpooled(gitDir: string): void {
  rmSync(spoolFolder(gitDir), { recursive: true, force: true });
}

/** Write every byte of `parts` at the file's end (a write may take fewer than given). */
function writeAllv(fd: number, parts: Buffer[]): void {
  let rest = parts.filter((part) => part.length > 0);
  while (rest.length > 0) {
    let written = writevSync(fd, rest);
    const left: Buffer[] = [];
    for (const part of rest) {
      if (written >= part.length) written -= part.length;
      else {
        left.push(written > 0 ? part.subarray(written) : part);
        written = 0;
      }
    }
    rest = left;
  }
}
