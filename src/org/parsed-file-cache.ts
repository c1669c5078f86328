import { createHash } from 'node:crypto';

import { parseEdited } from '../editable/edited-file.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { parserOf, type Parsed } from './parse-files.js';
import { readSavedJson } from '../storage/read-own-file.js';

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

/** Where an org keeps its parse cache, relative to its root. */
export const PARSE_CACHE_FILE = 'org/state/cache/parse-cache.json';

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
    const entries = this.current();
    // An org this machine keeps nothing of (a cold read of 100,000 resumes): no path made whole to look it up in nothing.
    if (entries.size === 0) return undefined;
    const entry = entries.get(file);
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
      const data = readSavedJson<CacheFile>(this.path);
      this.onDisk = data?.version === VERSION && Array.isArray(data.entries) && data.entries.every(isEntryPair) ? new Map(data.entries) : EMPTY;
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
