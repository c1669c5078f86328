import { statSync, type Stats } from 'node:fs';
import { editedReadAhead, MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES, parseEdited, readEditedFile, readEditedFileAndStat, type EditedRead, type EditedText } from '../editable/edited-file.js';
import type { Problem } from '../errors.js';
import { LOOK_AHEAD_FROM } from '../storage/look-ahead.js';
import { ReadAhead } from '../storage/read-ahead.js';
import type { ParsedFileCache } from './parsed-file-cache.js';
import type { Parsed } from './parse-files.js';
import { fileStamp } from './settled-org-cache.js';

interface CachedFile<T> {
  mtimeMs: number;
  size: number;
  /** `mtimeMs:size`, as the load's stamps hold it: kept, so an unchanged file's stamp is not formatted again each turn. */
  stamp: string;
  parsed: Parsed<T>;
  /** Taken from the on-disk cache: the value, but no line numbers for cross-file errors. */
  fromDisk: boolean;
}

/** What one load asks of the on-disk cache, and whether it used it. */
export interface Reading {
  useDiskCache: boolean;
  usedDiskCache: boolean;
}

/**
 * An org's files, each read and parsed again only when its size or mtime moved: kept parsed in
 * memory, and, across processes, in the on-disk cache (ParsedFileCache, parsed-file-cache.ts), by
 * stamp and by content. Each file
 * comes through the one gate of editable files, so a file too large, not text or not a file is a
 * problem, never a throw. The org loader (load-org.ts) decides which files to read and what they
 * make; this only reads them.
 */
export class ParsedFiles {
  private readonly memory = new Map<string, CachedFile<unknown>>();
  /** Each file's whole path, made once: a turn asks it of every agent, and a string kept is hashed once as a key. */
  private readonly paths = new Map<string, string>();

  constructor(
    private readonly root: string,
    private readonly disk: ParsedFileCache,
  ) {}

  /** `<root>/<file>`, for a file relative to the root. */
  pathOf(file: string): string {
    let path = this.paths.get(file);
    if (path === undefined) {
      path = `${this.root}/${file}`;
      if (this.paths.size >= 2_000_000) this.paths.clear();
      this.paths.set(file, path);
    }
    return path;
  }

  /** The files being read ahead (in the order `read` asks for them) and the next one's index. */
  private ahead?: { files: readonly string[]; next: number; reads: ReadAhead };

  /**
   * Before a loop that `read`s `files` in this order: those with no version here nor on disk (an
   * org written by a program, cloned, or never loaded here), when there are enough, are read on
   * two cores (look-ahead.ts). `doneReading` after the loop.
   */
  readAhead(files: readonly string[], kind: 'org' | 'agent'): void {
    const unknown = files.filter((file) => this.unknown(file));
    if (unknown.length < LOOK_AHEAD_FROM) return;
    this.ahead = { files: unknown, next: 0, reads: ReadAhead.of({ prefix: `${this.root}/`, names: unknown, suffix: '' }, maxBytesOf(kind), this.root) };
  }

  /** The loop that `readAhead` was for is over. */
  doneReading(): void {
    this.ahead?.reads.done();
    this.ahead = undefined;
  }

  /** A file with no version here nor on disk: `read` opens it at once, and `readAhead` reads it on two cores. */
  private unknown(file: string): boolean {
    return !this.memory.has(file) && !this.disk.has(file);
  }

  /** `file` as read ahead, in the form readEditedFileAndStat gives; undefined when it was not (the caller reads it). */
  private takeReadAhead(file: string): EditedRead | undefined {
    const ahead = this.ahead;
    if (!ahead || ahead.files[ahead.next] !== file) return undefined;
    const got = ahead.reads.get(ahead.next);
    ahead.next += 1;
    return editedReadAhead(got, file);
  }

  /** True when the file's parsed value in memory came from the on-disk cache (so its problems have no line numbers). */
  fromDisk(file: string): boolean {
    return this.memory.get(file)?.fromDisk ?? false;
  }

  /** Drop the file's parsed value from memory, so the next read parses it again. */
  forget(file: string): void {
    this.memory.delete(file);
  }

  /**
   * Read and parse one file through the caches, adding its stamp to `stamps` and its problems to
   * `problems`. A missing agent resume is an error naming the folder; a missing org file says how
   * to get one. `trustedStamp`: the stamp the file had at the last load, for a file the change feed
   * says did not change; when the version in memory has it, it is taken with no `stat`.
   */
  read<T>(
    file: string,
    parse: (text: string, file: string) => Parsed<T>,
    problems: Problem[],
    stamps: Map<string, string>,
    reading: Reading,
    kind: 'org' | 'agent' = 'org',
    trustedStamp?: string,
  ): Parsed<T> {
    if (trustedStamp !== undefined) {
      const kept = this.memory.get(file) as CachedFile<T> | undefined;
      if (kept && trustedStamp === kept.stamp) return fromMemory(file, kept, problems, stamps, reading);
    }
    const maxBytes = maxBytesOf(kind);
    // A file with no version here nor on disk (an org written by a program, cloned, or never loaded
    // here) is read at once: one open, its stamp from the open file, not a `stat` by its path first.
    if (this.unknown(file)) {
      // Read ahead, it needs no path made here (nor kept: a first load of 100,000 resumes made and kept as many).
      const opened = this.takeReadAhead(file) ?? readEditedFileAndStat(this.pathOf(file), file, maxBytes, this.root);
      // Opened, but no regular file (a folder, a pipe), or not opened (no permission): stamped by its path, as before.
      const stat = opened.stat ?? ('missing' in opened.read ? undefined : statOf(this.pathOf(file)));
      if (!stat) {
        problems.push(missingProblem(file, kind));
        return { problems: [] };
      }
      const stamp = fileStamp(stat);
      stamps.set(file, stamp);
      return this.parseRead(file, stat, stamp, opened.read, parse, problems, reading, kind);
    }
    // Without the change feed every turn stats each resume (a hand edit takes effect next turn); the path needs no normalising join.
    const path = this.pathOf(file);
    const stat = statOf(path);
    if (!stat) {
      problems.push(missingProblem(file, kind));
      return { problems: [] };
    }
    const cached = this.memory.get(file) as CachedFile<T> | undefined;
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return fromMemory(file, cached, problems, stamps, reading);
    const stamp = fileStamp(stat);
    stamps.set(file, stamp);
    const fromDisk = reading.useDiskCache ? (this.disk.get(file, stamp) as T | undefined) : undefined;
    if (fromDisk !== undefined) return this.takeFromDisk(file, stat, stamp, fromDisk, reading);
    // Through the one gate of editable files: a file too large, not text, or not a file is a problem, never a throw.
    return this.parseRead(file, stat, stamp, readEditedFile(path, file, maxBytes, this.root), parse, problems, reading, kind);
  }

  /** A file just read (or found unreadable), parsed unless the on-disk cache has its text, and kept in memory under its stamp. */
  private parseRead<T>(
    file: string,
    stat: { mtimeMs: number; size: number },
    stamp: string,
    read: EditedText,
    parse: (text: string, file: string) => Parsed<T>,
    problems: Problem[],
    reading: Reading,
    kind: 'org' | 'agent',
  ): Parsed<T> {
    if (!('text' in read)) {
      const unread: Parsed<T> = { problems: 'problem' in read ? [read.problem] : [missingProblem(file, kind)] };
      this.memory.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, stamp, parsed: unread, fromDisk: false });
      problems.push(...unread.problems);
      return unread;
    }
    const text = read.text;
    const sameText = reading.useDiskCache ? (this.disk.getByContent(file, text) as T | undefined) : undefined;
    if (sameText !== undefined) {
      // Only the mtime moved: keep the value under the new stamp so the next command takes the quick way.
      this.disk.restamp(file, stamp);
      return this.takeFromDisk(file, stat, stamp, sameText, reading);
    }
    const parsed = parseEdited(file, () => parse(text, file)) as Parsed<T>;
    this.memory.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, stamp, parsed, fromDisk: false });
    if (parsed.value !== undefined && parsed.problems.length === 0) this.disk.set(file, stamp, text, parsed);
    problems.push(...parsed.problems);
    return parsed;
  }

  /** A value from the on-disk cache, kept in memory against the file's stamp. */
  private takeFromDisk<T>(file: string, stat: { mtimeMs: number; size: number }, stamp: string, value: T, reading: Reading): Parsed<T> {
    const parsed: Parsed<T> = { value, problems: [] };
    this.memory.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, stamp, parsed, fromDisk: true });
    reading.usedDiskCache = true;
    return parsed;
  }
}

/** The most bytes lemming reads of an org file or of a resume. */
function maxBytesOf(kind: 'org' | 'agent'): number {
  return kind === 'agent' ? MAX_EDITED_MARKDOWN_BYTES : MAX_ORG_YAML_BYTES;
}

/** A version kept in memory, taken as the file's: its stamp and problems go with it, as a fresh read's would. */
function fromMemory<T>(file: string, kept: CachedFile<T>, problems: Problem[], stamps: Map<string, string>, reading: Reading): Parsed<T> {
  stamps.set(file, kept.stamp);
  reading.usedDiskCache ||= kept.fromDisk;
  if (kept.parsed.problems.length > 0) problems.push(...kept.parsed.problems);
  return kept.parsed;
}

/** A file's `stat` by its path; undefined when it is not there or cannot be looked at (a folder in the way, no permission): as good as missing. */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function missingProblem(file: string, kind: 'org' | 'agent'): Problem {
  const message =
    kind === 'agent'
      ? `is missing: every folder under agents/ needs a resume.md (front matter with title, model and credits, then instructions)`
      : 'is missing; run `lemming bootstrap` to write the default org';
  return { file, message, severity: 'error' };
}
