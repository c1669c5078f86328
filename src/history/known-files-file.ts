import { rmSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { MODES, OID_ROOM, STAMP_PARTS, STAMP_WORDS, KnownFileTable, type Odd, type PackedTable } from './known-file-table.js';
import { KnownFiles } from './known-files.js';
import { readOwnCacheBytes } from '../storage/read-own-file.js';

/**
 * The files the history's last entry holds, as the run that wrote it knew them, kept beside the store
 * for the next run (record-entry.ts): that run's first entry `stat`s every file and reads only those
 * whose stamp moved. An org 1,000 turns of 200 busy agents old holds some 215,000 files; kept as JSON
 * (`lemming-known-files.json`, until this file) they took a fresh process 2.7 to 3.5 s to read and
 * 0.5 to 1.1 s to write, at every `lemming run`, each turn `chat` asked for in a process of its own,
 * and every fork. Kept as the numbers the writer holds them in (known-file-table.ts), reading them is
 * the paths and a copy of the arrays.
 *
 * The file: one line of JSON (what it is, the entry it is of, how many files, the byte lengths, what
 * the numbers cannot hold), then the paths (UTF-8, each ended by a NUL, which no path holds), each
 * file's mode index, its id's length, its id's OID_ROOM bytes, and its stamp's STAMP_PARTS numbers
 * (float64, in the byte order the header names). It is a cache: a file that fails any check below is
 * not used, and the next run reads each file of the last entry once instead.
 */
export const KNOWN_FILES_FILE = 'lemming-known-files';

/** What lemming kept before (KnownFiles.fromText), read when no file of today's form is there: an org an earlier lemming ran. */
const EARLIER_FILE = 'lemming-known-files.json';

/** The form of the file: 6, the numbers (5 was JSON; both hold the files not `stored` elsewhere where storedPath puts them). */
const FORMAT = 6;

/** A path a known file may have: relative, of segments that are neither empty nor `.` nor `..`. */
const BAD_PATH = /^\/|(?:^|\/)\.{0,2}(?:\/|$)/;

/** The fields a file's odd part may have, each a string. */
const ODD_FIELDS = new Set(['mode', 'stamp', 'renamed', 'oid', 'stored', 'parts', 'partIds']);

/** A file's parts (KnownFile.parts): bytes, count of parts (1 or more), inode; -1 where not known. */
const PARTS_TEXT = /^(?:-1|0|[1-9]\d{0,15}):(?:-1|[1-9]\d{0,8}):(?:-1|0|[1-9]\d{0,19})$/;

interface Header {
  format: number;
  head: string;
  files: number;
  pathBytes: number;
  endian: string;
  odd: Array<[number, Odd]>;
}

/** The known files as the file holds them. */
export function knownFilesBytes(known: KnownFiles): Buffer {
  const packed = known.packed();
  const count = packed.paths.length;
  const paths = Buffer.from(count === 0 ? '' : `${packed.paths.join('\0')}\0`, 'utf8');
  const header: Header = { format: FORMAT, head: known.head, files: count, pathBytes: paths.length, endian: endianness(), odd: [...packed.odd] };
  const stamps = Buffer.from(packed.stamps.buffer, packed.stamps.byteOffset, packed.stamps.byteLength);
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), paths, packed.modes, packed.oidBytes, packed.oids, stamps]);
}

/** The known files in `data` as knownFilesBytes wrote them, or undefined when it is anything else (another form, cut short, a number out of its range). */
export function knownFilesFromBytes(data: Buffer): KnownFiles | undefined {
  const end = data.indexOf(10);
  if (end < 0) return undefined;
  const header = parseHeader(data.toString('utf8', 0, end));
  if (!header) return undefined;
  const count = header.files;
  let at = end + 1;
  const section = (bytes: number): Buffer => {
    const part = data.subarray(at, at + bytes);
    at += bytes;
    return part;
  };
  if (data.length !== at + header.pathBytes + count * (2 + OID_ROOM + STAMP_PARTS * 8)) return undefined;
  const pathText = section(header.pathBytes).toString('utf8');
  const paths = count === 0 ? [] : pathText.split('\0');
  // Each path ended by a NUL: one more part than paths, the last empty.
  if (count > 0 && (paths.length !== count + 1 || paths.pop() !== '')) return undefined;
  if (count === 0 && pathText !== '') return undefined;
  const modes = Uint8Array.from(section(count));
  const oidBytes = Uint8Array.from(section(count));
  const oids = Buffer.from(section(count * OID_ROOM));
  const stamps = new Float64Array(count * STAMP_PARTS);
  new Uint8Array(stamps.buffer).set(section(count * STAMP_PARTS * 8));
  const odd = new Map(header.odd);
  if (odd.size !== header.odd.length) return undefined;
  const idBytes = header.head.length / 2;
  for (let index = 0; index < count; index += 1) {
    const path = paths[index] as string;
    if (path === '' || BAD_PATH.test(path)) return undefined;
    const oddOne = odd.get(index);
    const mode = modes[index] as number;
    if (mode === 255 ? oddOne?.mode === undefined : mode >= MODES.length) return undefined;
    const bytes = oidBytes[index] as number;
    if (bytes === 0 ? oddOne?.oid === undefined : bytes !== idBytes) return undefined;
    if (oddOne?.stamp === undefined && !stampFits(stamps, index * STAMP_PARTS)) return undefined;
  }
  const packed: PackedTable = { paths, modes, oidBytes, oids, stamps, odd };
  const table = KnownFileTable.unpacked(packed);
  // Two files at one path.
  if (table.size !== count) return undefined;
  return new KnownFiles(header.head, table);
}

/** Keep what the session knows of the last entry's files beside the store at `gitDir`, in place of any earlier form's file. */
export function writeKnownFiles(gitDir: string, known: KnownFiles): void {
  writeFileAtomic(join(gitDir, KNOWN_FILES_FILE), knownFilesBytes(known));
  rmSync(join(gitDir, EARLIER_FILE), { force: true });
}

/**
 * The known files kept beside the store at `gitDir` for the entry `head`, or undefined: today's form, else an
 * earlier lemming's JSON (an org it ran last, or ran after this one: then today's file is of an older entry).
 */
export function readKnownFiles(gitDir: string, head: string): KnownFiles | undefined {
  const bytes = readOwnCacheBytes(join(gitDir, KNOWN_FILES_FILE));
  const known = bytes === undefined ? undefined : knownFilesFromBytes(bytes);
  if (known?.head === head) return known;
  const earlier = readOwnCacheBytes(join(gitDir, EARLIER_FILE));
  const kept = earlier === undefined ? undefined : KnownFiles.fromText(earlier.toString('utf8'));
  return kept?.head === head ? kept : undefined;
}

/** The header line, checked: every field of its type and range, this machine's byte order, each odd part of strings. */
function parseHeader(text: string): Header | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { format, head, files, pathBytes, endian, odd } = data as Record<string, unknown>;
  if (format !== FORMAT || typeof head !== 'string' || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(head)) return undefined;
  if (!Number.isSafeInteger(files) || (files as number) < 0 || !Number.isSafeInteger(pathBytes) || (pathBytes as number) < 0) return undefined;
  if (endian !== endianness() || !Array.isArray(odd)) return undefined;
  for (const item of odd as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2) return undefined;
    const [index, part] = item as [unknown, unknown];
    if (!Number.isSafeInteger(index) || (index as number) < 0 || (index as number) >= (files as number)) return undefined;
    if (typeof part !== 'object' || part === null) return undefined;
    for (const [key, value] of Object.entries(part)) if (!ODD_FIELDS.has(key) || typeof value !== 'string') return undefined;
    // A file kept as parts: its oid is the hash of its bytes (40 digits) or `` (not known), never held as an id's bytes.
    const { parts, oid, partIds } = part as Odd;
    if (parts !== undefined && (!PARTS_TEXT.test(parts) || oid === undefined || !/^(?:[0-9a-f]{40})?$/.test(oid))) return undefined;
    if (partIds !== undefined && (parts === undefined || !/^\d{1,16}=[0-9a-f]{40,64}(?:,\d{1,16}=[0-9a-f]{40,64})*$/.test(partIds))) return undefined;
  }
  return { format, head, files: files as number, pathBytes: pathBytes as number, endian: endian as string, odd: odd as Array<[number, Odd]> };
}

/** Whether the stamp at `at` is one a walk gives (a size of 0 or more, or a word's number) with finite times and inode. */
function stampFits(stamps: Float64Array, at: number): boolean {
  const size = stamps[at] as number;
  const word = size < 0 && [...STAMP_WORDS.values()].includes(size);
  if (!word && !(Number.isSafeInteger(size) && size >= 0)) return false;
  for (let part = 1; part < STAMP_PARTS; part += 1) if (!Number.isFinite(stamps[at + part])) return false;
  return true;
}
