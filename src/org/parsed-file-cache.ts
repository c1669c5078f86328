import { createHash } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import { decodeEditedText, MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES, parseEdited, readEditedFile, readEditedFileAndStat, type EditedRead, type EditedText } from '../editable/edited-file.js';
import { LOOK_AHEAD_FROM, ReadAhead } from '../storage/look-ahead.js';
import type { Problem } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { parserOf, type Parsed } from './parse-files.js';
import { fileStamp } from './settled-org-cache.js';

/** Raised when what an entry holds changes shape, or what is read (2: engine.sandbox, web, command_tools; 3: engine.shutdown_seconds, ready_turn_seconds; 4: engine.changes; 5: nesting past 64 levels refused; 6: org.yaml and resume `memory:`; 7: engine.sandbox.max_files, resume `persona:`; 8: a file in the plain form kept as its text; 9: the entries a list of pairs), so older entries are not used. */
const VERSION = 9;

/**
 * The file: its entries as a list of [file, entry] pairs, which JSON writes and reads in one call
 * each (at 100,000 resumes some 60 and 100 ms, where a record of 100,000 paths written entry by
 * entry took 140 and 180).
 */
interface CacheFile {
  version: typeof VERSION;
  entries: Array<[string, CacheEntry]>;
}

/**
 * One file as the cache keeps it, under its stamp: its value, with the digest of its text, or, for a
 * file in the plain form (Parsed.plain), its text, parsed again when asked: that takes less than
 * reading a value back, and at 100,000 resumes the values were 45 MB to write where the texts are 10.
 */
type CacheEntry = { stamp: string; digest?: string; value: unknown } | { stamp: string; text: string; [PARSED]?: unknown };

/**
 * Where an entry kept as text holds its value once parsed: a symbol, which JSON leaves out, on the
 * entry itself (a WeakMap of 100,000 entries cost a first load some 50 ms, most of it collecting).
 */
const PARSED = Symbol('parsed');

/** The digest a cache entry keeps of a file's text. */
export function contentDigest(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/** Entries by file, in memory: a Map, where a record of 100,000 paths cost a look-up that made each key a property name. */
type Entries = Map<string, CacheEntry>;

/** The entries of a cache that has none on disk: never changed (`load` copies it before a change). */
const EMPTY: Entries = new Map();

/**
 * The parsed, validated content of the org's files, kept in `org/state/cache/parse-cache.json` (machine-local)
 * and keyed by each file's mtime and size, so a command does not parse hundreds of
 * YAML files it parsed before. A file whose mtime changed but whose text did not (an org
 * copied with `cp -r`, a fresh checkout, a `touch`) is found again by its content:
 * reading a small file costs far less than loading the YAML parser and schemas.
 * Only files that parsed without a problem are kept.
 */
export class ParsedFileCache {
  private entries?: Entries;
  private onDisk?: Entries;
  private dirty = false;

  constructor(private readonly path: string) {}

  /** Whether the cache on disk keeps any version of the file (an org never loaded here keeps none). */
  has(file: string): boolean {
    return this.saved().has(file);
  }

  get(file: string, stamp: string): unknown {
    const entry = this.current().get(file);
    return entry && entry.stamp === stamp ? this.valueOf(file, entry) : undefined;
  }

  /** The value kept for a file with this text, whatever its stamp; undefined when the text changed. */
  getByContent(file: string, text: string): unknown {
    const entry = this.current().get(file);
    if (!entry) return undefined;
    const same = 'text' in entry ? entry.text === text : entry.digest === contentDigest(text);
    return same ? this.valueOf(file, entry) : undefined;
  }

  /**
   * The file's value as last saved, whatever its stamp: the cache is saved only when the whole
   * org is valid, so this is the file's last valid version on this machine.
   */
  lastSaved(file: string): { stamp: string; value: unknown } | undefined {
    const entry = this.saved().get(file);
    const value = entry && this.valueOf(file, entry);
    return entry && value !== undefined ? { stamp: entry.stamp, value } : undefined;
  }

  /** Keep a file that parsed without a problem: its text when it is in the plain form, else its value. */
  set(file: string, stamp: string, text: string, parsed: Pick<Parsed<unknown>, 'value' | 'plain'>): void {
    const entry: CacheEntry = parsed.plain ? { stamp, text, [PARSED]: parsed.value } : { stamp, digest: contentDigest(text), value: parsed.value };
    this.load().set(file, entry);
    this.dirty = true;
  }

  /** Keep `file`'s entry as it is under a new stamp (only its mtime moved). */
  restamp(file: string, stamp: string): void {
    const entry = this.current().get(file);
    if (!entry) return;
    // The spread copies the value parsed, if any (a symbol's own property).
    this.load().set(file, { ...entry, stamp });
    this.dirty = true;
  }

  /** Keep only the files `keep` has (the load's stamps), and write the cache if anything changed. A read-only org simply goes without. */
  save(keep: { has(file: string): boolean }): void {
    // Copied only when a file is dropped: a load that changed nothing writes nothing and copies nothing.
    const gone = [...this.current().keys()].filter((file) => !keep.has(file));
    if (gone.length > 0) {
      const entries = this.load();
      for (const file of gone) entries.delete(file);
      this.dirty = true;
    }
    if (!this.dirty) return;
    try {
      const data: CacheFile = { version: VERSION, entries: [...this.load()] };
      writeFileAtomic(this.path, JSON.stringify(data));
      this.dirty = false;
    } catch {
      // The cache only saves time; without it every file is parsed.
    }
  }

  /** An entry's value: kept, or its text parsed again (undefined should it no longer parse). */
  private valueOf(file: string, entry: CacheEntry): unknown {
    if (!('text' in entry)) return entry.value;
    if (!(PARSED in entry)) entry[PARSED] = (parseEdited(file, () => parserOf(file)(entry.text, file)) as Parsed<unknown>).value;
    return entry[PARSED];
  }

  /** The entries as they are now: those on disk until something is set or dropped. */
  private current(): Entries {
    return this.entries ?? this.saved();
  }

  /** The entries to change: a copy of those on disk, made once (`lastSaved` keeps answering from the disk's). */
  private load(): Entries {
    this.entries ??= new Map(this.saved());
    return this.entries;
  }

  /** The entries as they are on disk, read once. */
  private saved(): Entries {
    if (this.onDisk) return this.onDisk;
    try {
      const data = JSON.parse(readFileSync(this.path, 'utf8')) as CacheFile;
      this.onDisk = data.version === VERSION && Array.isArray(data.entries) && data.entries.every(isEntryPair) ? new Map(data.entries) : EMPTY;
    } catch {
      this.onDisk = EMPTY;
    }
    return this.onDisk;
  }
}

/** A pair of the file as read back: a file's path and an entry with a stamp (anything else, the whole cache is left unused). */
function isEntryPair(pair: unknown): boolean {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') return false;
  const entry = pair[1] as unknown;
  return entry !== null && typeof entry === 'object' && typeof (entry as { stamp?: unknown }).stamp === 'string';
}

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
 * memory, and, across processes, in the on-disk cache above (ParsedFileCache), by stamp and by
 * content; one module with it, since every load that reads a file goes through both. Each file
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
    this.ahead = { files: unknown, next: 0, reads: ReadAhead.of({ prefix: `${this.root}/`, names: unknown, suffix: '' }, maxBytesOf(kind)) };
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
    if (got === undefined) return undefined;
    if (got === 'missing') return { read: { missing: true } };
    return { read: decodeEditedText(got.bytes, file), stat: got };
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
      const opened = this.takeReadAhead(file) ?? readEditedFileAndStat(this.pathOf(file), file, maxBytes);
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
    return this.parseRead(file, stat, stamp, readEditedFile(path, file, maxBytes), parse, problems, reading, kind);
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
