import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../storage/atomic-write.js';

interface CacheFile {
  /** Raised when what a parsed file holds changes shape (2: engine.sandbox, web, command_tools; 3: engine.shutdown_seconds, ready_turn_seconds; 4: engine.changes), so older entries are not used. */
  version: 4;
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
      writeFileAtomic(this.path, JSON.stringify({ version: 4, entries } satisfies CacheFile));
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
      this.onDisk = data.version === 4 && typeof data.entries === 'object' ? data.entries : {};
    } catch {
      this.onDisk = {};
    }
    return this.onDisk;
  }
}
