import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile } from '../storage/read-regular-file.js';
import { trustworthyTime } from '../mailbox/outbox-scan.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { parseMemoryFile, type Memory } from './memory-file.js';
import { memoriesHolding, newMemorySearch, QUERY_CHARS, relevanceScores, termsOf, type MemorySearch } from './memory-search.js';
import { AccessLog } from './memory-access.js';
import { memoryCacheFile, recalledFolder, streamFolder } from './memory-paths.js';
import { readSavedIndex, savedIndexText, SAVED_VERSION, type LeftOut, type SavedIndex } from './saved-index.js';
import { MAX_MEMORY_BYTES, MAX_STREAM_FILES, walkStream } from './stream-walk.js';

/** A look that had to read more files than this saves the index, so the next process reads only what changed since. */
const SAVE_AFTER_READS = 16;
/**
 * The most memories the indexes of one process hold, all agents together: past it, the indexes used
 * least recently are saved (when they changed) and let go, and read back from their saved file when
 * next needed. An index holds some 1.6 KB a memory (its text, and minisearch's entries for its words):
 * 300,000 are some 500 MB, 10,000 agents' streams of 30. An org whose streams outgrow it reads an
 * index back for each call (bench/sections/memory.ts measures both).
 */
const KEPT_MEMORIES = 300_000;
let keptMemories = KEPT_MEMORIES;

/** One file of the stream: its stamp (mtime and size), and what it holds or why it cannot be read. */
interface Entry {
  stamp: string;
  memory?: Memory;
  error?: string;
}

function stampOf(stat: { mtimeMs: number; size: number }): string {
  return `${stat.mtimeMs}:${stat.size}`;
}

/**
 * An agent's memory stream as the prompt builder retrieves from it: every memory file of
 * `agents/<name>/memory/stream/`, parsed, with a full-text index over their text. Derived, never
 * the source of truth: kept in this process between calls (the indexes used least recently let go
 * past KEPT_MEMORIES), and in `org/state/cache/memory/<name>.json` (machine-local) between processes
 * and after being let go; rebuilt from the files when missing, and brought up to date by `refresh`,
 * which lists the folder only when its time moved (a memory added, removed or renamed, by the engine
 * or by a person's editor) and then reads only the files whose stamp changed. A file edited in place
 * leaves the folder's time as it was: its stamp is checked when it is about to be shown (`recheck`),
 * and whenever `lemming memory` reads the stream.
 */
export class StreamIndex {
  /** The indexes this process holds, the least recently used first. */
  private static readonly kept = new Map<string, StreamIndex>();
  /** The memories they hold, all together. */
  private static held = 0;

  /** The index of an agent's stream, kept for the process while it is used (see KEPT_MEMORIES). */
  static of(root: string, agent: string): StreamIndex {
    const folder = streamFolder(root, agent);
    let index = StreamIndex.kept.get(folder);
    if (index) StreamIndex.kept.delete(folder);
    else index = new StreamIndex(root, folder, memoryCacheFile(root, agent), new AccessLog(root, recalledFolder(root, agent)));
    StreamIndex.kept.set(folder, index);
    return index;
  }

  /** Hold at most this many memories in the process's indexes (a test sets fewer); none given, KEPT_MEMORIES again. */
  static keepAtMost(memories = KEPT_MEMORIES): void {
    keptMemories = memories;
  }

  /**
   * Save every index this process holds that changed since it was saved, with the folder's time it is
   * up to date with: the next process takes each as it is while its folder's time has not moved (one
   * `stat`), where it would list the stream. The engine does it when it closes.
   */
  static keepAll(): void {
    for (const index of StreamIndex.kept.values()) if (index.changed) index.save();
  }

  /** Let go of the indexes used least recently, saving those that changed, until the rest hold at most KEPT_MEMORIES (the one in use stays). */
  private static trim(using: StreamIndex): void {
    for (const [folder, index] of StreamIndex.kept) {
      if (StreamIndex.held <= keptMemories) return;
      if (index === using) continue;
      if (index.changed) index.save();
      StreamIndex.kept.delete(folder);
      StreamIndex.held -= index.files.size;
      index.release();
    }
  }

  private readonly entries = new Map<string, Entry>();
  /** The file each memory held is read from. */
  private readonly files = new Map<Memory, string>();
  /** The memories in file-name order, until the next change. */
  private listed: Memory[] | undefined;
  /** The files left out of `listed` because an earlier file has their id, and why, made with it. */
  private clashes = new Map<string, string>();
  private search: MemorySearch = newMemorySearch();
  /** The folder's time when it was last listed; undefined before the first look of this process. */
  private folderTime: number | undefined;
  /** Whether the index changed since it was saved (or read from its saved file). */
  private changed = false;
  /** The older files the last listing left out, past MAX_STREAM_FILES or MAX_STREAM_BYTES. */
  private left: LeftOut | undefined;
  /** Whether a turn of this process has said that the stream is left out in part, since it last was not. */
  private said = false;

  private constructor(
    /** The org's root: a stream folder that lies outside it (a link on its way leads out) is never read. */
    private readonly root: string,
    private readonly folder: string,
    private readonly cacheFile: string,
    /** When each of its memories was last recalled into a prompt (memory-access.ts), held and let go with the index. */
    readonly accesses: AccessLog,
  ) {}

  /** Bring the index up to date with the folder: one `stat` when nothing was added, removed or renamed. */
  refresh(): this {
    const stat = statSync(this.folder, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) {
      if (this.entries.size > 0) this.clear();
      this.folderTime = Number.NaN;
      return this;
    }
    if (stat.mtimeMs === this.folderTime && trustworthyTime(stat.mtimeMs)) {
      this.recheckUnread();
      return this;
    }
    // This process's first look: what an earlier one saved, taken as it is while the folder's time has not moved.
    if (this.folderTime === undefined && this.loadSaved() === stat.mtimeMs && trustworthyTime(stat.mtimeMs)) {
      this.folderTime = stat.mtimeMs;
      this.recheckUnread();
    } else this.relist(stat.mtimeMs);
    StreamIndex.trim(this);
    return this;
  }

  /**
   * The files no prompt shows (those that could not be read, those whose id an earlier file has) are
   * never rechecked as they are about to be shown, and a person who mends one in place leaves the
   * folder's time as it was: each look checks their stamps (one `lstat` a file; a stream has few) and
   * reads again those that changed.
   */
  private recheckUnread(): void {
    this.memories();
    const unread = [...this.entries].filter(([name, entry]) => entry.error !== undefined || this.clashes.has(name)).map(([name]) => name);
    for (const name of unread) {
      const stat = lstatSync(join(this.folder, name), { throwIfNoEntry: false });
      // One gone, or not a regular file (a link, a folder): the next listing says so, as it did.
      if (stat?.isFile() && stampOf(stat) !== this.entries.get(name)?.stamp) this.read(name, stampOf(stat));
    }
  }

  /**
   * Every memory of the stream that could be read, in file-name order. An id names one memory (its
   * vector file, its accesses and the prompt's `<recalled id>` go by it): a later file whose front
   * matter gives an id an earlier file has (a person's copy of a memory, its `id:` line kept) is left
   * out, and said by `problems`.
   */
  memories(): readonly Memory[] {
    if (this.listed) return this.listed;
    const memories: Memory[] = [];
    const owners = new Map<string, string>();
    const clashes = new Map<string, string>();
    for (const name of [...this.entries.keys()].sort()) {
      const memory = this.entries.get(name)?.memory;
      if (!memory) continue;
      const owner = owners.get(memory.id);
      if (owner !== undefined) {
        clashes.set(name, `${name}: id ${memory.id} is already the id of ${owner}; give this memory an id of its own (like \`id: ${name.replace(/\.md$/, '')}\`), or remove its id line to take its name`);
        continue;
      }
      owners.set(memory.id, name);
      memories.push(memory);
    }
    this.listed = memories;
    this.clashes = clashes;
    return memories;
  }

  /** The files that could not be read, or whose id another file has, and why. */
  problems(): Array<{ file: string; error: string }> {
    this.memories();
    return [...this.entries].flatMap(([name, entry]) => {
      const error = entry.error ?? this.clashes.get(name);
      return error ? [{ file: name, error }] : [];
    });
  }

  /** The older files the stream's last listing left out (past MAX_STREAM_FILES or MAX_STREAM_BYTES); undefined when none was. */
  leftOut(): LeftOut | undefined {
    return this.left;
  }

  /** What was left out, when no turn of this process has said it yet: a run says it once, not at every call. */
  leftOutUnsaid(): LeftOut | undefined {
    if (this.left === undefined) this.said = false;
    if (this.left === undefined || this.said) return undefined;
    this.said = true;
    return this.left;
  }

  /** The file a memory is read from. */
  fileOf(memory: Memory): string | undefined {
    return this.files.get(memory);
  }

  /**
   * The words of `query` a ranking goes by, and those it leaves out: words more than half the
   * memories hold rank nothing, and each costs a score of every memory holding it.
   */
  queryTerms(query: string): { kept: string[]; common: string[] } {
    const most = Math.max(1, this.files.size / 2);
    const kept: string[] = [];
    const common: string[] = [];
    for (const term of termsOf(query.slice(0, QUERY_CHARS))) (memoriesHolding(this.search, term) <= most ? kept : common).push(term);
    return { kept, common };
  }

  /** Relevance of each memory to `query`, 0 to 1 (see memory-search.ts), by the words queryTerms keeps. */
  relevance(query: string): (memory: Memory) => number {
    const terms = this.queryTerms(query).kept;
    if (terms.length === 0) return () => 0;
    const scores = relevanceScores(this.search, terms);
    const byMemory = new Map<Memory, number>();
    for (const [name, score] of scores) {
      const memory = this.entries.get(name)?.memory;
      if (memory) byMemory.set(memory, score);
    }
    return (memory) => byMemory.get(memory) ?? 0;
  }

  /**
   * Check the stamps of these memories' files (a person may have edited one in place) and read again
   * those that changed. True when one did: what was ranked with the old text must be ranked again.
   */
  recheck(memories: readonly Memory[]): boolean {
    let changed = false;
    for (const memory of memories) {
      const name = this.fileOf(memory);
      if (name === undefined) continue;
      const stat = lstatSync(join(this.folder, name), { throwIfNoEntry: false });
      if (!stat?.isFile()) {
        this.drop(name);
        changed = true;
      } else if (stampOf(stat) !== this.entries.get(name)?.stamp) {
        this.read(name, stampOf(stat));
        changed = true;
      }
    }
    return changed;
  }

  /**
   * The engine wrote these memories (`names`, in the folder), and removed the files `removed` names
   * (a consolidation's, memory-ceiling.ts), while the folder's time went from `before` to `after`.
   * When the index had listed the folder at `before`, nobody else changed it meanwhile: the new files
   * go into the index, the removed leave it, and the folder need not be listed again: a turn costs
   * what it wrote, not the stream. Otherwise (a person's edit between) the next look lists it.
   */
  wrote(written: ReadonlyArray<{ name: string; memory: Memory }>, before: number | undefined, after: number, removed: readonly string[] = []): void {
    if (this.folderTime === undefined || before !== this.folderTime || !trustworthyTime(after)) return;
    for (const name of removed) this.drop(name);
    // Past the stream's bounds, the next look lists it and leaves out the oldest.
    if (this.left !== undefined || this.entries.size + written.length > MAX_STREAM_FILES) {
      this.folderTime = Number.NaN;
      return;
    }
    for (const { name, memory } of written) {
      const stat = lstatSync(join(this.folder, name), { throwIfNoEntry: false });
      if (!stat?.isFile()) return;
      this.put(name, { stamp: stampOf(stat), memory });
    }
    this.folderTime = after;
    StreamIndex.trim(this);
  }

  /** Trust nothing of the folder: the next look lists it and checks every file's stamp (a file may have been edited in place). */
  forget(): void {
    if (this.folderTime === undefined) this.loadSaved();
    this.folderTime = Number.NaN;
  }

  /** List the folder (stream-walk.ts: its newest files, within the stream's bounds), reading only the files whose stamp changed. */
  private relist(folderTime: number): void {
    const met = new Set<string>();
    let reads = 0;
    const left = walkStream(this.folder, this.root, (file) => {
      met.add(file.name);
      const stamp = stampOf(file.stat);
      if (this.entries.get(file.name)?.stamp === stamp) return;
      if (file.problem !== undefined) {
        this.put(file.name, { stamp, error: `${file.name} ${file.problem}` });
        return;
      }
      this.read(file.name, stamp, file.path);
      reads += 1;
    });
    for (const name of [...this.entries.keys()]) if (!met.has(name)) this.drop(name);
    if (left?.reason !== this.left?.reason || left?.from !== this.left?.from) this.changed = true;
    this.left = left;
    this.folderTime = folderTime;
    if (reads > SAVE_AFTER_READS) this.save();
  }

  private read(name: string, stamp: string, path = join(this.folder, name)): void {
    const read = readRegularFile(path, MAX_MEMORY_BYTES);
    if ('error' in read) {
      this.put(name, { stamp, error: `${name} ${read.error}` });
      return;
    }
    const parsed = parseMemoryFile(read.text, name);
    this.put(name, 'memory' in parsed ? { stamp, memory: parsed.memory } : { stamp, error: `${name}: ${parsed.error}` });
  }

  private put(name: string, entry: Entry): void {
    this.drop(name);
    this.entries.set(name, entry);
    this.listed = undefined;
    this.changed = true;
    if (!entry.memory) return;
    this.files.set(entry.memory, name);
    if (StreamIndex.kept.get(this.folder) === this) StreamIndex.held += 1;
    this.search.add({ key: name, text: entry.memory.text });
  }

  private drop(name: string): void {
    const held = this.entries.get(name)?.memory;
    if (held) {
      this.search.discard(name);
      this.files.delete(held);
      if (StreamIndex.kept.get(this.folder) === this) StreamIndex.held -= 1;
    }
    if (this.entries.delete(name)) {
      this.listed = undefined;
      this.changed = true;
    }
  }

  private clear(): void {
    if (StreamIndex.kept.get(this.folder) === this) StreamIndex.held -= this.files.size;
    this.entries.clear();
    this.files.clear();
    this.listed = undefined;
    this.search = newMemorySearch();
  }

  /** What the process let go of (trim): its entries, so the memory they take is given back; `of` makes a new index next time. */
  private release(): void {
    this.accesses.release();
    this.entries.clear();
    this.files.clear();
    this.listed = undefined;
    this.search = newMemorySearch();
  }

  /**
   * What an earlier process (or this one, before it let the index go) saved, and the folder's time it
   * was up to date with; undefined when there is no saved index, or it is unreadable. The caller
   * lists the folder unless that time is the folder's now.
   */
  private loadSaved(): number | undefined {
    const saved = readSavedIndex(this.cacheFile, MAX_STREAM_FILES, MAX_MEMORY_BYTES);
    if (!saved) return undefined;
    this.clear();
    for (const [name, stamp, held] of saved.entries) this.put(name, 'error' in held ? { stamp, error: held.error } : { stamp, memory: held });
    this.left = saved.leftOut;
    this.changed = false;
    return saved.folderTime ?? undefined;
  }

  /** Keep the index for the next process; a cache that cannot be written (or would be too large) only makes that process read the files. */
  private save(): void {
    const entries: SavedIndex['entries'] = [];
    for (const [name, entry] of this.entries) entries.push([name, entry.stamp, entry.memory ?? { error: entry.error ?? '' }]);
    const text = savedIndexText({ version: SAVED_VERSION, folderTime: this.folderTime ?? null, entries, ...(this.left ? { leftOut: this.left } : {}) });
    if (text === undefined) return;
    try {
      writeFileAtomic(this.cacheFile, text);
      this.changed = false;
    } catch {
      // The cache is machine-local and optional.
    }
  }
}
