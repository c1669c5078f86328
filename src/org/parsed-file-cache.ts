import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES, parseEdited, readEditedFile } from '../editable/edited-file.js';
import type { Problem } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import type { Parsed } from './parse-files.js';
import { fileStamp } from './settled-org-cache.js';

interface CacheFile {
  /** Raised when what a parsed file holds changes shape, or what is read (2: engine.sandbox, web, command_tools; 3: engine.shutdown_seconds, ready_turn_seconds; 4: engine.changes; 5: nesting past 64 levels refused; 6: org.yaml and resume `memory:`; 7: engine.sandbox.max_files, resume `persona:`), so older entries are not used. */
  version: 7;
  entries: Record<string, CacheEntry>;
}

interface CacheEntry {
  stamp: string;
  /** SHA-256 of the file's text: a copied, checked-out or touched file has a new mtime but the same content. */
  digest?: string;
  value: unknown;
}

/** The digest a cache entry keeps of a file's text. */
export function contentDigest(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/**
 * The parsed, validated content of the org's files, kept in `org/state/cache/parse-cache.json` (machine-local)
 * and keyed by each file's mtime and size, so a command does not parse hundreds of
 * YAML files it parsed before. A file whose mtime changed but whose text did not (an org
 * copied with `cp -r`, a fresh checkout, a `touch`) is found again by its content digest:
 * reading a small file costs far less than loading the YAML parser and schemas.
 * Only files that parsed without a problem are kept.
 */
export class ParsedFileCache {
  private entries?: CacheFile['entries'];
  private onDisk?: CacheFile['entries'];
  private dirty = false;

  constructor(private readonly path: string) {}

  get(file: string, stamp: string): unknown {
    const entry = this.current()[file];
    return entry && entry.stamp === stamp ? entry.value : undefined;
  }

  /** The value kept for a file with this text, whatever its stamp; undefined when the text changed. */
  getByContent(file: string, digest: string): unknown {
    const entry = this.current()[file];
    return entry && entry.digest === digest ? entry.value : undefined;
  }

  /**
   * The file's value as last saved, whatever its stamp: the cache is saved only when the whole
   * org is valid, so this is the file's last valid version on this machine.
   */
  lastSaved(file: string): { stamp: string; value: unknown } | undefined {
    return this.saved()[file];
  }

  set(file: string, stamp: string, digest: string, value: unknown): void {
    this.load()[file] = { stamp, digest, value };
    this.dirty = true;
  }

  /** Keep only `files`, and write the cache if anything changed. A read-only org simply goes without. */
  save(files: Iterable<string>): void {
    const keep = new Set(files);
    // Copied only when a file is dropped: a load that changed nothing writes nothing and copies nothing.
    const gone = Object.keys(this.current()).filter((file) => !keep.has(file));
    if (gone.length > 0) {
      const entries = this.load();
      for (const file of gone) delete entries[file];
      this.dirty = true;
    }
    if (!this.dirty) return;
    const entries = this.load();
    try {
      writeFileAtomic(this.path, JSON.stringify({ version: 7, entries } satisfies CacheFile));
      this.dirty = false;
    } catch {
      // The cache only saves time; without it every file is parsed.
    }
  }

  /** The entries as they are now: those on disk until something is set or dropped. */
  private current(): CacheFile['entries'] {
    return this.entries ?? this.saved();
  }

  /** The entries to change: a copy of those on disk, made once (`lastSaved` keeps answering from the disk's). */
  private load(): CacheFile['entries'] {
    this.entries ??= { ...this.saved() };
    return this.entries;
  }

  /** The entries as they are on disk, read once. */
  private saved(): CacheFile['entries'] {
    if (this.onDisk) return this.onDisk;
    try {
      const data = JSON.parse(readFileSync(this.path, 'utf8')) as CacheFile;
      this.onDisk = data.version === 7 && typeof data.entries === 'object' ? data.entries : {};
    } catch {
      this.onDisk = {};
    }
    return this.onDisk;
  }
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
    // Without the change feed every turn stats each resume (a hand edit takes effect next turn); the path needs no normalising join.
    const path = this.pathOf(file);
    let stat;
    try {
      stat = statSync(path, { throwIfNoEntry: false });
    } catch {
      // Not readable as a file (a folder in the way, no permission): as good as missing.
    }
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
    const read = readEditedFile(path, file, kind === 'agent' ? MAX_EDITED_MARKDOWN_BYTES : MAX_ORG_YAML_BYTES);
    if (!('text' in read)) {
      const unread: Parsed<T> = { problems: 'problem' in read ? [read.problem] : [missingProblem(file, kind)] };
      this.memory.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, stamp, parsed: unread, fromDisk: false });
      problems.push(...unread.problems);
      return unread;
    }
    const text = read.text;
    const digest = contentDigest(text);
    const sameText = reading.useDiskCache ? (this.disk.getByContent(file, digest) as T | undefined) : undefined;
    if (sameText !== undefined) {
      // Only the mtime moved: keep the value under the new stamp so the next command takes the quick way.
      this.disk.set(file, stamp, digest, sameText);
      return this.takeFromDisk(file, stat, stamp, sameText, reading);
    }
    const parsed = parseEdited(file, () => parse(text, file)) as Parsed<T>;
    this.memory.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, stamp, parsed, fromDisk: false });
    if (parsed.value !== undefined && parsed.problems.length === 0) this.disk.set(file, stamp, digest, parsed.value);
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

/** A version kept in memory, taken as the file's: its stamp and problems go with it, as a fresh read's would. */
function fromMemory<T>(file: string, kept: CachedFile<T>, problems: Problem[], stamps: Map<string, string>, reading: Reading): Parsed<T> {
  stamps.set(file, kept.stamp);
  reading.usedDiskCache ||= kept.fromDisk;
  if (kept.parsed.problems.length > 0) problems.push(...kept.parsed.problems);
  return kept.parsed;
}

function missingProblem(file: string, kind: 'org' | 'agent'): Problem {
  const message =
    kind === 'agent'
      ? `is missing: every folder under agents/ needs a resume.md (front matter with title, model and credits, then instructions)`
      : 'is missing; run `lemming bootstrap` to write the default org';
  return { file, message, severity: 'error' };
}
