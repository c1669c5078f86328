import { stampText, type FileStamp } from './recorded-files.js';

/** A file the history's last entry holds, with the stamp it had when it was last read. */
export interface KnownFile {
  /** `100644` or `100755`, as git records it. */
  mode: string;
  /** Its stamp when it was read (recorded-files.ts stampText); `unread` when it has not been read, `racy` when it must be read again. */
  stamp: string;
  /**
   * What a rename keeps of its stamp when it was read (recorded-files.ts renamedText), for a record's own file (RECORD_FILE),
   * the one kind lemming moves whole to a piece; absent for the rest, and when not read this run.
   */
  renamed?: string;
  /**
   * Its blob's id in the history; for a file kept as parts (`parts`), the SHA-1 of its whole bytes as the
   * history holds them (not git's id of anything: no object has them whole), or `` when not known.
   */
  oid: string;
  /**
   * Kept as parts (stored-path.ts partsFolder): `<bytes>:<parts>:<inode>`, what the parts hold joined, how many
   * there are, and the inode of the file they were read from (`-1` for a count not known: an entry's tree read).
   */
  parts?: string;
  /** Of a file kept as parts and not yet read (an entry's tree read, KnownFiles.fromTree): each part's offset and blob id, `offset=id` by offset, `,` between. */
  partIds?: string;
  /** Where the entry holds it, when not where storedPath puts it (an entry of an earlier layout): moved there by the next entry. */
  stored?: string;
}

/** What a slot holds that its compact form cannot: a stamp or an id of another shape, a rename's stamp, a place elsewhere. */
export type Odd = Partial<KnownFile>;

/**
 * The known files as numbers, file `i` at index `i` of each array (KnownFileTable.packed): a mode's index
 * in MODES (255: odd), an id's bytes (OID_ROOM each, `oidBytes` of them used; 0: odd), a stamp's
 * STAMP_PARTS numbers (a size of -1 or -2: a word of STAMP_WORDS), and what a file holds that these cannot.
 */
export interface PackedTable {
  paths: string[];
  modes: Uint8Array<ArrayBuffer>;
  oidBytes: Uint8Array<ArrayBuffer>;
  oids: Buffer<ArrayBuffer>;
  stamps: Float64Array<ArrayBuffer>;
  odd: Map<number, Odd>;
}

/** The modes a slot holds as a number; any other is odd. */
export const MODES = ['100644', '100755'];
/** The bytes of an id a slot has room for (sha256's; sha1's are 20 of them). */
export const OID_ROOM = 32;
/** The numbers of a stamp (recorded-files.ts: size, mtime, ctime, inode). */
export const STAMP_PARTS = 4;
/** The stamps that are words, by the number a slot holds for them in its size's place (a size is never below 0). */
export const STAMP_WORDS = new Map([
  ['unread', -1],
  ['racy', -2],
]);

/**
 * The known files by path, each held as numbers in typed arrays rather than as an object and three strings.
 * The history's writer keeps every file of its last entry for the whole run (200,000 messages after 1,000
 * turns of 200 busy agents), and V8 marks every object of its heap at each full collection: an object and
 * its id's and stamp's strings were some 190 of a message's 370 bytes and three of its five objects, and a
 * late turn's collections grew with them, for the engine's work as well (issue 76). A typed array's bytes
 * lie outside the heap and are not marked; what is left a file is its path, its slot in the map, and its
 * path's slot in its folder's set (known-files.ts). A stamp or an id is held as numbers only when they give back the
 * very same text (what an earlier lemming's JSON held: known-files-file.ts), else as it is.
 */
export class KnownFileTable {
  /** Each path's slot. */
  private readonly slots = new Map<string, number>();
  /** Slots free for the next file (a removed file's). */
  private readonly free: number[] = [];
  /** Per slot: its mode's index in MODES, or 255 (odd). */
  private modes = new Uint8Array(0);
  /** Per slot: its id's bytes (OID_ROOM of room), and how many of them (0: the id is odd). A Buffer, for its hex. */
  private oids = Buffer.alloc(0);
  private oidBytes = new Uint8Array(0);
  /** Per slot: its stamp's numbers (STAMP_PARTS), meaningful when the slot's stamp is not odd. */
  private stamps = new Float64Array(0);
  /** What the slots hold that their compact form cannot, by slot (a few: records' files, files of an earlier layout, unread ones). */
  private readonly odd = new Map<number, Odd>();

  /** How many files are known. */
  get size(): number {
    return this.slots.size;
  }

  /** Whether a file is known at `path`. */
  has(path: string): boolean {
    return this.slots.has(path);
  }

  /** The known files' paths, in the order they were first set. */
  keys(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** The file at `path`, as a new object (changing it changes nothing held: `set` it). */
  get(path: string): KnownFile | undefined {
    const slot = this.slots.get(path);
    return slot === undefined ? undefined : this.read(slot);
  }

  /** What a rename keeps of the stamp of the file at `path` (KnownFile.renamed), without the rest of it. */
  renamed(path: string): string | undefined {
    const slot = this.slots.get(path);
    return slot === undefined ? undefined : this.odd.get(slot)?.renamed;
  }

  /** Whether the file in `slot` is kept as parts (KnownFile.parts), without the rest of it. */
  hasParts(slot: number): boolean {
    return this.odd.size > 0 && this.odd.get(slot)?.parts !== undefined;
  }

  /** Each known file with its path, as new objects, in the order they were first set. */
  *entries(): Generator<[string, KnownFile]> {
    for (const [path, slot] of this.slots) yield [path, this.read(slot)];
  }

  /** The files held elsewhere than storedPath puts them (KnownFile.stored), without a look at the rest. */
  *storedElsewhere(): Generator<[string, KnownFile]> {
    const slots = new Set<number>();
    for (const [slot, odd] of this.odd) if (odd.stored !== undefined) slots.add(slot);
    if (slots.size === 0) return;
    for (const [path, slot] of this.slots) if (slots.has(slot)) yield [path, this.read(slot)];
  }

  /**
   * The table as a file keeps it (known-files-file.ts): its files in the order they were first set, with
   * no free slot between them, so file `i` is at index `i` of each array.
   */
  packed(): PackedTable {
    const count = this.slots.size;
    const packed: PackedTable = {
      paths: [],
      modes: new Uint8Array(count),
      oidBytes: new Uint8Array(count),
      oids: Buffer.alloc(count * OID_ROOM),
      stamps: new Float64Array(count * STAMP_PARTS),
      odd: new Map(),
    };
    let index = 0;
    for (const [path, slot] of this.slots) {
      packed.paths.push(path);
      packed.modes[index] = this.modes[slot] as number;
      packed.oidBytes[index] = this.oidBytes[slot] as number;
      this.oids.copy(packed.oids, index * OID_ROOM, slot * OID_ROOM, (slot + 1) * OID_ROOM);
      for (let part = 0; part < STAMP_PARTS; part += 1) packed.stamps[index * STAMP_PARTS + part] = this.stamps[slot * STAMP_PARTS + part] as number;
      const odd = this.odd.size > 0 ? this.odd.get(slot) : undefined;
      if (odd) packed.odd.set(index, odd);
      index += 1;
    }
    return packed;
  }

  /** A table holding what `packed` gave (its arrays taken as they are, not copied); the caller has checked it (known-files-file.ts). */
  static unpacked(packed: PackedTable): KnownFileTable {
    const table = new KnownFileTable();
    packed.paths.forEach((path, index) => table.slots.set(path, index));
    table.modes = packed.modes;
    table.oidBytes = packed.oidBytes;
    table.oids = packed.oids;
    table.stamps = packed.stamps;
    for (const [index, odd] of packed.odd) table.odd.set(index, odd);
    return table;
  }

  /** How many files are held elsewhere than storedPath puts them (KnownFile.stored). */
  get elsewhere(): number {
    let count = 0;
    for (const odd of this.odd.values()) if (odd.stored !== undefined) count += 1;
    return count;
  }

  /** Hold `file` at `path`: a slot of its own (a freed one, or a new one at the end), in compact form where it fits. */
  set(path: string, file: KnownFile): void {
    const { slot } = this.slotFor(path);
    // Every known file is set once a run at least (the last run's, from its text): no object made for the usual file.
    let odd = this.holdModeAndId(slot, file.mode, file.oid);
    if (!stampNumbers(file.stamp, this.stamps, slot * STAMP_PARTS)) (odd ??= {}).stamp = file.stamp;
    if (file.renamed !== undefined) (odd ??= {}).renamed = file.renamed;
    if (file.stored !== undefined) (odd ??= {}).stored = file.stored;
    if (file.parts !== undefined) {
      // Its hash is no id of the history's (of another length in a sha256 history): held as text, beside the parts.
      odd = { ...odd, parts: file.parts, oid: file.oid, ...(file.partIds === undefined ? {} : { partIds: file.partIds }) };
      this.oidBytes[slot] = 0;
    }
    if (odd) this.odd.set(slot, odd);
    else if (this.odd.size > 0) this.odd.delete(slot);
  }

  /** The slot of the file at `path`, for the comparisons below that read it in place; undefined when none is known there. */
  slotOf(path: string): number | undefined {
    return this.slots.get(path);
  }

  /**
   * Whether the file in `slot` was read with the very stamp and mode the walk saw now (never for a racy one):
   * compared in place, number by number, with no object or text made (a stamp held as text, an odd one, is
   * compared as text).
   */
  unchanged(slot: number, seen: FileStamp): boolean {
    if (seen.racy || !this.hasMode(slot, seen.mode)) return false;
    const odd = this.odd.size > 0 ? this.odd.get(slot) : undefined;
    if (odd?.stamp !== undefined) return odd.stamp === stampText(seen);
    const at = slot * STAMP_PARTS;
    const stamps = this.stamps;
    // A word's number (unread, racy) is below 0 in the size's place: no walked size matches it.
    return stamps[at] === seen.size && stamps[at + 1] === seen.mtimeMs && stamps[at + 2] === seen.ctimeMs && stamps[at + 3] === seen.ino;
  }

  /** Whether the file in `slot` has `mode` and the blob whose id is `oid`, compared in place (its bytes with the slot's, no text made). */
  holds(slot: number, mode: string, oid: string): boolean {
    if (!this.hasMode(slot, mode)) return false;
    const odd = this.odd.size > 0 ? this.odd.get(slot) : undefined;
    if (odd?.oid !== undefined) return odd.oid === oid;
    const bytes = this.oidBytes[slot] ?? 0;
    if (bytes === 0 || oid.length !== bytes * 2) return false;
    ID_BYTES.write(oid, 0, OID_ROOM, 'hex');
    return this.oids.compare(ID_BYTES, 0, bytes, slot * OID_ROOM, slot * OID_ROOM + bytes) === 0;
  }

  /**
   * Hold the file at `path` as just read: the walk's mode and stamp (its numbers, or `racy`) and its blob's id as
   * bytes, with no object or text made for the usual file; `renamed` kept when given, and where the entry holds
   * it elsewhere (KnownFile.stored) kept as it was; a file read so is held whole (no `parts`). Returns whether the path is new.
   */
  setRead(path: string, seen: FileStamp, oid: string, renamed: string | undefined): boolean {
    const { slot, added } = this.slotFor(path);
    const was = this.odd.size > 0 ? this.odd.get(slot) : undefined;
    let odd = this.holdModeAndId(slot, seen.mode, oid);
    const at = slot * STAMP_PARTS;
    if (seen.racy) this.stamps[at] = STAMP_WORDS.get('racy') as number;
    else {
      this.stamps[at] = seen.size;
      this.stamps[at + 1] = seen.mtimeMs;
      this.stamps[at + 2] = seen.ctimeMs;
      this.stamps[at + 3] = seen.ino;
    }
    if (renamed !== undefined) (odd ??= {}).renamed = renamed;
    if (was?.stored !== undefined) (odd ??= {}).stored = was.stored;
    if (odd) this.odd.set(slot, odd);
    else if (was) this.odd.delete(slot);
    return added;
  }

  /** The slot of `path`: its own, or a new one (a freed one, or one at the end), and whether it is new. */
  private slotFor(path: string): { slot: number; added: boolean } {
    const slot = this.slots.get(path);
    if (slot !== undefined) return { slot, added: false };
    const made = this.free.pop() ?? this.grow();
    this.slots.set(path, made);
    return { slot: made, added: true };
  }

  /** Hold `mode` and `oid` in `slot`, each as a number where it fits; what does not fit, as an odd part to keep. */
  private holdModeAndId(slot: number, mode: string, oid: string): Odd | undefined {
    let odd: Odd | undefined;
    const index = MODES.indexOf(mode);
    this.modes[slot] = index < 0 ? 255 : index;
    if (index < 0) (odd ??= {}).mode = mode;
    const bytes = HEX_ID.test(oid) ? this.oids.write(oid, slot * OID_ROOM, OID_ROOM, 'hex') : 0;
    if (bytes === 0) (odd ??= {}).oid = oid;
    this.oidBytes[slot] = bytes;
    return odd;
  }

  /** Forget the file at `path`: its slot is free for the next. */
  delete(path: string): void {
    const slot = this.slots.get(path);
    if (slot === undefined) return;
    this.slots.delete(path);
    this.odd.delete(slot);
    this.free.push(slot);
  }

  /** Whether the file in `slot` has `mode`. */
  private hasMode(slot: number, mode: string): boolean {
    const held = this.modes[slot];
    if (held === 255) return this.odd.get(slot)?.mode === mode;
    return MODES[held ?? 0] === mode;
  }

  private read(slot: number): KnownFile {
    const odd = this.odd.size > 0 ? this.odd.get(slot) : undefined;
    const file: KnownFile = {
      mode: odd?.mode ?? (MODES[this.modes[slot] ?? 0] as string),
      stamp: odd?.stamp ?? heldStampText(this.stamps, slot * STAMP_PARTS),
      oid: odd?.oid ?? this.oids.toString('hex', slot * OID_ROOM, slot * OID_ROOM + (this.oidBytes[slot] ?? 0)),
    };
    if (odd?.renamed !== undefined) file.renamed = odd.renamed;
    if (odd?.stored !== undefined) file.stored = odd.stored;
    if (odd?.parts !== undefined) file.parts = odd.parts;
    if (odd?.partIds !== undefined) file.partIds = odd.partIds;
    return file;
  }

  /** A new slot, at the end: the arrays doubled when full. */
  private grow(): number {
    const slot = this.slots.size + this.free.length;
    if (slot >= this.modes.length) {
      const room = Math.max(1024, this.modes.length * 2);
      this.modes = grown(this.modes, new Uint8Array(room));
      this.oidBytes = grown(this.oidBytes, new Uint8Array(room));
      this.oids = grown(this.oids, Buffer.alloc(room * OID_ROOM));
      this.stamps = grown(this.stamps, new Float64Array(room * STAMP_PARTS));
    }
    return slot;
  }
}

/** `to` with `from` copied to its start. */
function grown<T extends Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** An id's bytes, written from its hex to be compared with a slot's (holds): one buffer for every comparison. */
const ID_BYTES = Buffer.alloc(OID_ROOM);

/** An id a slot holds as bytes: lowercase hex of 40 or 64 digits (sha1's, sha256's), which its bytes give back as hex. */
const HEX_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Writes a stamp's numbers into `into` at `at` when it is STAMP_PARTS numbers that join to the very same
 * text (as the walk writes them: `${size}:${mtimeMs}:${ctimeMs}:${ino}`); false, writing nothing, for any other.
 */
function stampNumbers(stamp: string, into: Float64Array, at: number): boolean {
  const word = STAMP_WORDS.get(stamp);
  if (word !== undefined) {
    into[at] = word;
    return true;
  }
  const parts = stamp.split(':');
  if (parts.length !== STAMP_PARTS) return false;
  const [size, mtime, ctime, ino] = parts.map(Number) as [number, number, number, number];
  if (!(size >= 0) || `${size}:${mtime}:${ctime}:${ino}` !== stamp) return false;
  into[at] = size;
  into[at + 1] = mtime;
  into[at + 2] = ctime;
  into[at + 3] = ino;
  return true;
}

/** The stamp whose numbers stampNumbers wrote into `from` at `at`. */
function heldStampText(from: Float64Array, at: number): string {
  const size = from[at] as number;
  if (size < 0) for (const [word, number] of STAMP_WORDS) if (size === number) return word;
  return `${size}:${from[at + 1]}:${from[at + 2]}:${from[at + 3]}`;
}
