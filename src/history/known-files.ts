import { closeSync, readSync } from 'node:fs';
import { openWalkedFile, type OpenedFile } from '../org/walk-org.js';
import type { FileChange } from './fast-import.js';
import { blobHeader, blobId, blobIdInPlace } from './blob-id.js';
import { KnownFileTable, type KnownFile, type PackedTable } from './known-file-table.js';
import { heldParts, partsFound, partsText, wholeHash } from './record-parts.js';
import { renamedText, stampText, type FileStamp, type ReadBytes, type WalkScope } from './recorded-files.js';
import { besidePath, hundredsPath, orgPath, partOf, partPath, partsFolder, storedPath, thousandsPath } from './stored-path.js';

/**
 * A file this large or larger is not held in memory for an entry: git takes it from the file itself,
 * streamed (`storeLarge`), and the entry names the object it made. Smaller ones are read whole,
 * hashed here, and handed to fast-import with the entry.
 */
export const LARGE_FILE_BYTES = 8 * 1024 * 1024;

/**
 * A file's bytes, read whole from where the walk found it, by the walk's rule (org/walk-org.ts: in a
 * workspace from its folder one part at a time, following no link), and no more of them than the walk
 * found, with git's id of them as a blob (`algorithm`: that of the history's ids); undefined when it is
 * gone or no longer a regular file. For a file the walk did not read as it met it (walkRecordedFiles `take`).
 */
function readRecorded(root: string, path: string, walkedBytes: number, algorithm: string | undefined): ReadBytes | undefined {
  const opened = openWalkedFile(root, path, walkedBytes);
  if ('code' in opened) return undefined;
  return readOpened(opened, algorithm);
}

/**
 * The bytes of a file opened by the walk's rule (OpenedFile: no more than `bytes` of them), with their blob's
 * id (none, ``, without `algorithm`: a record's own file, compared by its parts); the descriptor is closed. The bytes are read behind room for git's header of them (`blob <length>\0`),
 * so header and bytes are hashed in one call with no copy: a Hash object and two updates a file took 1.3 to 2
 * times as long (400 files of 350 B and 5.6 KB, what a turn of 200 busy agents writes, at load 15).
 */
function readOpened(opened: { fd: number; bytes: number }, algorithm: string | undefined): ReadBytes {
  try {
    const room = blobHeader(opened.bytes).length;
    const buffer = Buffer.allocUnsafe(room + opened.bytes);
    let offset = room;
    while (offset < buffer.length) {
      const read = readSync(opened.fd, buffer, offset, buffer.length - offset, offset - room);
      if (read === 0) break;
      offset += read;
    }
    return { data: buffer.subarray(room, offset), oid: algorithm === undefined ? '' : blobIdInPlace(buffer, room, offset, algorithm) };
  } finally {
    closeSync(opened.fd);
  }
}

/** A file added (`A`), changed (`M`) or removed (`D`) since the last entry. */
export interface Change {
  status: string;
  path: string;
}

/**
 * What the history's last entry holds, file by file, with what each file looked like when it was
 * read: a file whose stamp has not moved since is not read again, and one that was read again is
 * only recorded when its bytes (its blob id, hashed here as git hashes it) or its mode changed.
 * Kept in memory by the history's writer for the entry it wrote last (`head`), with the names in
 * each folder: an entry within a run looks at the files under what the watch saw change, never at
 * each file the org holds (messages pile up: tens of thousands, of which a turn adds a few hundred).
 */
export class KnownFiles {
  /**
   * The files and folders known in each folder (`` the root), by their paths: what lies under a path, without
   * a look at every file. A file's path is the string its table keys it by, so naming it here costs a set's slot,
   * not a second string (its name alone was one more, of 32 bytes, a message).
   */
  private readonly folders = new Map<string, Set<string>>();
  /** How many known files the entry holds elsewhere than storedPath puts them (KnownFile.stored). */
  private elsewhere = 0;

  /** The known files, each held compactly (known-file-table.ts). */
  private readonly files: KnownFileTable;

  constructor(
    /** The entry these files are of. */
    public head: string,
    files: Map<string, KnownFile> | KnownFileTable,
  ) {
    if (files instanceof KnownFileTable) {
      this.files = files;
      for (const path of files.keys()) this.link(path);
      this.elsewhere = files.elsewhere;
      return;
    }
    this.files = new KnownFileTable();
    for (const [path, file] of files) {
      this.set(path, file);
      if (file.stored !== undefined) this.elsewhere += 1;
    }
  }

  /** The files as numbers, for the file that keeps them between runs (known-files-file.ts). */
  packed(): PackedTable {
    return this.files.packed();
  }

  /**
   * From the tree of an entry (`git ls-tree -r -z`), its files' stamps not known: each is read once, and
   * recorded only if it changed. Named by their places in the org (stored-path.ts); a file the entry
   * holds elsewhere than storedPath puts it (an entry of an earlier layout) is moved there by the next.
   */
  static fromTree(head: string, listed: Buffer): KnownFiles {
    const files = new Map<string, KnownFile>();
    // A file kept as parts: each part's offset and blob id, by which the file is compared when read (KnownFile.partIds).
    const parts = new Map<string, { mode: string; ids: Array<{ offset: number; oid: string }> }>();
    for (const record of listed.toString('utf8').split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, oid] = record.slice(0, tab).split(' ');
      const stored = record.slice(tab + 1);
      const path = orgPath(stored);
      if (!mode || !oid || type !== 'blob') continue;
      const part = partOf(stored);
      if (part) {
        const held = parts.get(path);
        if (held) held.ids.push({ offset: part.offset, oid });
        else parts.set(path, { mode, ids: [{ offset: part.offset, oid }] });
        continue;
      }
      files.set(path, { mode, oid, stamp: 'unread', ...(stored === storedPath(path) ? {} : { stored }) });
    }
    for (const [path, held] of parts) {
      const ids = held.ids.sort((left, right) => left.offset - right.offset).map((id) => `${id.offset}=${id.oid}`);
      files.set(path, { mode: held.mode, oid: '', stamp: 'unread', parts: `-1:${held.ids.length}:-1`, partIds: ids.join(',') });
    }
    return new KnownFiles(head, files);
  }

  /**
   * The changes from the files known to the files `walked` found: what an entry records, and the
   * bytes of each file to write (or, for a file of LARGE_FILE_BYTES or more, the object `storeLarge`
   * made of it). The known files become those the entry holds (its `head` is moved by `advance`,
   * once it has one; a caller whose entry is not written drops them). A walk of a `scope` (what a
   * watch saw change) says nothing of the files outside it: they stay as known, unlooked at.
   * `looked`: the known files the comparison looked at (the walked and those under the scope).
   */
  async compare(
    root: string,
    walked: ReadonlyMap<string, FileStamp>,
    scope: WalkScope | undefined,
    storeLarge: (fd: number) => Promise<string | undefined>,
  ): Promise<{ changes: Change[]; writes: FileChange[]; looked: number }> {
    const changes: Change[] = [];
    let writes: FileChange[] = [];
    // Copies of a record's parts to the piece it was moved to, first (from the tree as the last entry left it); then removals.
    const copies: FileChange[] = [];
    const removals: FileChange[] = [];
    const algorithm = this.algorithm();
    // The files known where the walk looked and not found there are gone: looked for before the walked files are taken in.
    const gone: string[] = [];
    for (const path of scope ? this.under(scope.trees) : this.files.keys()) if (!walked.has(path)) gone.push(path);
    let looked = gone.length;
    // Taken before any walked file replaces what is known of its path: a record's file moved to a piece is known by its stamp of then.
    let movedFrom: Map<string, { path: string; file: KnownFile }> | undefined;
    for (const [path, seen] of walked) {
      if (seen.unchanged || this.files.has(path) || !PIECE.test(path)) continue;
      movedFrom = this.stampsOf(scope ? this.under(scope.trees) : this.files.keys());
      break;
    }
    for (const [path, seen] of walked) {
      looked += 1;
      // Found unchanged as the walk met it (readAsWalked): the table has not changed since for its path.
      if (seen.unchanged) continue;
      // In place: no object made for a known file, nor text for its stamp (known-file-table.ts).
      const slot = this.files.slotOf(path);
      if (slot !== undefined && this.files.unchanged(slot, seen)) continue;
      // A record's file moved whole to its next piece (storage/record-pieces.ts, log-segments.ts) is the bytes the entry holds already: not read again.
      const moved = slot === undefined && PIECE.test(path) ? movedFrom?.get(renamedText(seen)) : undefined;
      if (moved && moved.file.mode === seen.mode && moved.file.parts === undefined) {
        this.set(path, { mode: seen.mode, stamp: stampText(seen), oid: moved.file.oid, renamed: renamedText(seen) });
        changes.push({ status: 'A', path });
        writes.push({ path: storedPath(path), mode: seen.mode, oid: moved.file.oid });
        continue;
      }
      // Kept as parts: the piece keeps them, copied in the entry's tree (git copies the folder's tree, reading no byte).
      if (moved && moved.file.mode === seen.mode && moved.file.oid !== '' && heldParts(moved.file.parts)?.bytes === seen.size) {
        this.set(path, { mode: seen.mode, stamp: stampText(seen), oid: moved.file.oid, renamed: renamedText(seen), parts: moved.file.parts as string });
        changes.push({ status: 'A', path });
        copies.push({ path: partsFolder(path), from: partsFolder(moved.path) });
        continue;
      }
      if (seen.size >= LARGE_FILE_BYTES) {
        const known = slot === undefined ? undefined : this.files.get(path);
        const opened = openWalkedFile(root, path, Number.MAX_SAFE_INTEGER);
        // Removed since the walk, or no longer a regular file: it is not in this entry.
        if ('code' in opened) {
          if (known) gone.push(path);
          continue;
        }
        let stored: string | undefined;
        try {
          // Larger than the walk found (being written, or swapped for another): git would read all of it,
          // past the workspace's bounds. Kept as known this time; the next entry reads it again.
          if (opened.bytes > seen.size) {
            if (known) this.files.set(path, { ...known, stamp: 'racy' });
            continue;
          }
          // git reads it, a piece at a time, into an object of its own: the entry holds its name, not its bytes.
          stored = await storeLarge(opened.fd);
        } finally {
          closeSync(opened.fd);
        }
        if (stored === undefined) {
          if (known) gone.push(path);
          continue;
        }
        this.set(path, { mode: seen.mode, stamp: stampText(seen), oid: stored, ...(RECORD_FILE.test(path) ? { renamed: renamedText(seen) } : {}), ...(known?.stored === undefined ? {} : { stored: known.stored }) });
        // Kept as parts until now: kept whole from here (a file this large is git's to read).
        if (known?.parts !== undefined) removals.push({ path: partsFolder(path), removed: true });
        if (known && known.parts === undefined && known.oid === stored && known.mode === seen.mode) continue;
        changes.push({ status: known ? 'M' : 'A', path });
        writes.push({ path: storedPath(path), mode: seen.mode, oid: stored });
        continue;
      }
      const record = RECORD_FILE.test(path);
      const read = seen.read ?? readRecorded(root, path, seen.size, record ? undefined : algorithm);
      if (read === undefined) {
        if (slot !== undefined) gone.push(path);
        continue;
      }
      if (record || (slot !== undefined && this.files.hasParts(slot))) {
        const status = this.compareParts(path, slot, seen, read, record, algorithm, removals, writes);
        if (status !== undefined) changes.push({ status, path });
        continue;
      }
      // Compared before the slot holds the new bytes' id.
      const same = slot !== undefined && this.files.holds(slot, seen.mode, read.oid);
      if (this.files.setRead(path, seen, read.oid, RECORD_FILE.test(path) ? renamedText(seen) : undefined)) this.link(path);
      if (same) continue;
      changes.push({ status: slot === undefined ? 'A' : 'M', path });
      writes.push({ path: storedPath(path), mode: seen.mode, data: read.data });
    }
    // Removals first: git takes an entry's lines in order, and a removal takes all under its path. A file replaced by a
    // folder (`plan.md` gone, `plan.md/a.md` made) removed after the folder's files were written removed them too.
    // Copies before them: a record's parts copied to its piece are read from the tree before its folder goes.
    for (const path of gone) {
      const known = this.files.get(path);
      if (!known) continue;
      this.remove(path);
      changes.push({ status: 'D', path });
      removals.push({ path: known.parts !== undefined ? partsFolder(path) : (known.stored ?? storedPath(path)), removed: true });
    }
    if (removals.length > 0 || copies.length > 0) writes = copies.concat(removals, writes);
    // Files an entry of an earlier layout holds elsewhere: moved where storedPath puts them (once), no change of the org's.
    if (this.elsewhere > 0) {
      for (const [path, file] of [...this.files.storedElsewhere()]) {
        if (file.stored === undefined) continue;
        writes.push({ path: file.stored, removed: true }, { path: storedPath(path), mode: file.mode, oid: file.oid });
        delete file.stored;
        this.files.set(path, file);
      }
      this.elsewhere = 0;
    }
    // In git's order (by path), as a diff of the entry lists them.
    changes.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
    return { changes, writes, looked };
  }

  /**
   * What a walk reads of each file as it meets it (walkRecordedFiles `take`): a file whose stamp moved since it
   * was known, or one not known, read whole through the descriptor the walk met it by and hashed as git hashes
   * it, so `compare` takes its bytes and opens no file again. Not a large file (git reads it, compare) nor a
   * record's piece not known (the bytes an entry holds already, when a rename moved it whole: compare looks
   * for that first, and reads it only if not). A known file whose stamp did not move is said so (`null`: the walk
   * marks it `unchanged`, and `compare` takes it so with no second look for its slot).
   */
  readAsWalked(): (path: string, seen: FileStamp, open: () => OpenedFile) => ReadBytes | null | undefined {
    const algorithm = this.algorithm();
    return (path, seen, open) => {
      if (seen.size >= LARGE_FILE_BYTES) return undefined;
      const slot = this.files.slotOf(path);
      if (slot === undefined ? PIECE.test(path) : this.files.unchanged(slot, seen)) return slot === undefined ? undefined : null;
      const opened = open();
      return 'code' in opened ? undefined : readOpened(opened, RECORD_FILE.test(path) ? undefined : algorithm);
    };
  }

  /** The hash of the history's ids: that of its last entry's (sha256's are 64 digits). */
  private algorithm(): string {
    return this.head.length === 64 ? 'sha256' : 'sha1';
  }

  /** The known files at `paths` read in this run, with their paths, by what a rename keeps of their stamps (recorded-files.ts renamedText). */
  private stampsOf(paths: Iterable<string>): Map<string, { path: string; file: KnownFile }> {
    const byStamp = new Map<string, { path: string; file: KnownFile }>();
    for (const path of paths) {
      const renamed = this.files.renamed(path);
      const file = renamed === undefined ? undefined : this.files.get(path);
      if (renamed !== undefined && file) byStamp.set(renamed, { path, file });
    }
    return byStamp;
  }

  /**
   * A file read whose history may be parts (stored-path.ts partsFolder): a record's own file (`record`), or one kept as
   * parts until now (a piece they were copied to). A record found grown by appending, as proved here, gains one part, of
   * the bytes appended since the last entry; one found changed any other way is stored whole again, a record's as one
   * part (its folder removed first), any other file as a blob where storedPath puts it. Returns the change to record,
   * or undefined for none. The proof of an append is record-parts.ts's (partsFound); anything unproven is stored
   * whole: a hand edit of an earlier byte, a truncation, a file replaced (a new inode), a mode changed.
   */
  private compareParts(path: string, slot: number | undefined, seen: FileStamp, read: ReadBytes, record: boolean, algorithm: string, removals: FileChange[], writes: FileChange[]): string | undefined {
    const known = slot === undefined ? undefined : this.files.get(path);
    const data = read.data;
    const held = heldParts(known?.parts);
    const folder = partsFolder(path);
    const keep = (file: Omit<KnownFile, 'mode' | 'stamp' | 'renamed'>): void => {
      this.set(path, { mode: seen.mode, stamp: stampText(seen), ...(record ? { renamed: renamedText(seen) } : {}), ...file });
    };
    const found = known && held ? partsFound(known, data, seen.mode, seen.ino, record, algorithm) : undefined;
    if (found?.kind === 'same') {
      keep({ oid: found.oid, parts: found.parts });
      return undefined;
    }
    if (found?.kind === 'appended') {
      writes.push({ path: partPath(folder, found.from), mode: seen.mode, data: data.subarray(found.from) });
      keep({ oid: found.oid, parts: found.parts });
      return 'M';
    }
    if (known && !held) {
      // Kept whole (every record of an entry before parts): unchanged while its blob is these bytes; else made parts now.
      const oid = blobId(data, algorithm);
      if (this.files.holds(slot as number, seen.mode, oid)) {
        if (this.files.setRead(path, seen, oid, record ? renamedText(seen) : undefined)) this.link(path);
        return undefined;
      }
    }
    if (known) removals.push({ path: held ? folder : (known.stored ?? storedPath(path)), removed: true });
    if (record) {
      writes.push({ path: partPath(folder, 0), mode: seen.mode, data });
      keep({ oid: wholeHash(data), parts: partsText(data.length, 1, seen.ino) });
    } else {
      const oid = blobId(data, algorithm);
      keep({ oid });
      writes.push({ path: storedPath(path), mode: seen.mode, data });
    }
    return known ? 'M' : 'A';
  }

  /** The entry was written (or given to git, which will write it): the known files are its. */
  advance(head: string): void {
    this.head = head;
  }

  /** The known files at each of `trees` or under it, each once (trees may lie in one another). */
  private *under(trees: Iterable<string>): Generator<string> {
    const met = new Set<string>();
    const stack = [...trees];
    for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
      if (met.has(path)) continue;
      met.add(path);
      if (this.files.has(path)) yield path;
      for (const child of this.folders.get(path) ?? []) stack.push(child);
    }
  }

  private set(path: string, file: KnownFile): void {
    if (!this.files.has(path)) this.link(path);
    this.files.set(path, file);
  }

  /** Name `path` in its folder, and each folder on its way in the one above, as far as one is named already (each by its path). */
  private link(path: string): void {
    for (let child = path; child !== ''; ) {
      const slash = child.lastIndexOf('/');
      const folder = slash < 0 ? '' : child.slice(0, slash);
      const names = this.folders.get(folder);
      if (names) {
        names.add(child);
        return;
      }
      this.folders.set(folder, new Set([child]));
      child = folder;
    }
  }

  /** Forget a file, and each folder on its way that is left empty (a name that is also a known file, or a folder still holding one, stays). */
  private remove(path: string): void {
    this.files.delete(path);
    for (let child = path; child !== ''; ) {
      if (this.files.has(child) || this.folders.has(child)) return;
      const slash = child.lastIndexOf('/');
      const folder = slash < 0 ? '' : child.slice(0, slash);
      const names = this.folders.get(folder);
      names?.delete(child);
      if (names === undefined || names.size > 0) return;
      this.folders.delete(folder);
      child = folder;
    }
  }

  /**
   * What lemming kept as JSON before known-files-file.ts (shapes 2 to 5), or undefined for anything else (another
   * format, a file cut short). What an earlier lemming wrote is read as its layout held the files not `stored` elsewhere: before the
   * folder of numbers (shape 4) each numbered file in its number's folders beside it, before the
   * folders of a record's pieces (shape 3) each piece where the org has it, before the folder of a
   * thousand (shape 2) two folders down for every number; so the next entry moves them by their ids,
   * reading none (the stamps hold), where the entry's tree would have every file read again.
   */
  static fromText(text: string): KnownFiles | undefined {
    try {
      const data = JSON.parse(text) as { format?: unknown; head?: unknown; files?: unknown };
      const layouts: Record<number, (path: string) => string> = { [KNOWN_FORMAT]: storedPath, [BESIDE_FORMAT]: besidePath, [THOUSANDS_FORMAT]: thousandsPath, [HUNDREDS_FORMAT]: hundredsPath };
      const layout = typeof data.format === 'number' ? layouts[data.format] : undefined;
      if (layout === undefined || typeof data.head !== 'string' || !Array.isArray(data.files)) return undefined;
      const files = new Map<string, KnownFile>();
      for (const row of data.files as unknown[]) {
        if (!Array.isArray(row) || (row.length !== 4 && row.length !== 5) || !row.every((value) => typeof value === 'string')) return undefined;
        const [path, mode, oid, stamp, elsewhere] = row as [string, string, string, string, string | undefined];
        const stored = elsewhere ?? layout(path);
        files.set(path, { mode, oid, stamp, ...(stored === undefined || stored === storedPath(path) ? {} : { stored }) });
      }
      return new KnownFiles(data.head, files);
    } catch {
      return undefined;
    }
  }
}

/** The records the engine keeps in pieces (the ledger, taken.jsonl, an activity log), by their file's name. */
const RECORD_NAMES = '(ledger|taken|activity)';

/**
 * A piece of a record the engine keeps in pieces, moved there whole from the record's own file: the
 * ledger's, taken.jsonl's, an activity log's.
 */
const PIECE = new RegExp(`(^|/)${RECORD_NAMES}/\\d{6,}\\.jsonl$`);

/**
 * A record's own file, which is moved whole to a PIECE when full: only its rename stamp is kept. Every
 * known file is held for the whole run, messages by the hundred thousand; a rename stamp each was some
 * 100 bytes a message for nothing (a file moved from elsewhere is read, as any new file is).
 */
const RECORD_FILE = new RegExp(`(^|/)${RECORD_NAMES}\\.jsonl$`);

/**
 * The shape of the JSON lemming kept before known-files-file.ts (whose form 6 holds the layout of 5), which names the layout (stored-path.ts) the files not `stored`
 * elsewhere are held in: 1, where the org has them (not read: the files are taken from the entry's
 * tree, each where that entry holds it); 2, two folders down for every number (HUNDREDS_FORMAT, read
 * as that layout); 3, from 001000 in a folder of the thousand as well (THOUSANDS_FORMAT); 4, a record's
 * piece in the folders of its offset (BESIDE_FORMAT); 5, every numbered file under the folder of numbers.
 */
const KNOWN_FORMAT = 5;
const BESIDE_FORMAT = 4;
const THOUSANDS_FORMAT = 3;
const HUNDREDS_FORMAT = 2;
