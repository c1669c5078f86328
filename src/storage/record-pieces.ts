import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { EXIT, LemmingError } from '../errors.js';
import { openOwnFile } from './write-bytes.js';

/**
 * An append-only record of the org's (the credit ledger, `taken.jsonl`) kept in pieces: the file
 * itself (`ledger.jsonl`) holds its latest lines, and once it has reached RECORD_PIECE_BYTES it is
 * moved whole, at its next append, to the folder beside it named after it (`ledger/`), as
 * `<start>.jsonl`, where `<start>` (12 digits) is where its first byte lies in the whole record.
 * So the file a turn appends to stays small however long the run: the history records a turn's
 * changed files whole, and one file of every turn's lines was most of what an entry read, hashed and
 * gave git, growing every turn (docs/org-on-disk.md). A piece once moved is never written again.
 *
 * An offset into a record (what `engine.json` keeps of the ledger and of `taken.jsonl`) counts across
 * its pieces: the pieces, oldest first, then the file, are one run of bytes. Appends are whole lines
 * of one writer's (a turn's charges, a top-up), and a move comes before an append, so no append is
 * split between two pieces, and only the file itself can end in a line a crash cut short.
 *
 * `LEMMING_RECORD_PIECE_BYTES` (read when the process starts, like the crash points) sets a smaller
 * size, so the crash tests reach a piece's boundary in a few turns.
 */
export const RECORD_PIECE_BYTES = pieceBytes(process.env.LEMMING_RECORD_PIECE_BYTES);

function pieceBytes(setting: string | undefined): number {
  const value = Number(setting);
  return Number.isSafeInteger(value) && value > 0 ? value : 64 * 1024;
}

/** An earlier piece of a record: its path, and where its first byte lies in the record. */
export interface RecordPiece {
  path: string;
  start: number;
}

/** Where a record's bytes lie: its pieces, then the file itself from `base`. */
export interface RecordLayout {
  /** The record's file: its latest lines. */
  file: string;
  /** Its earlier pieces, oldest first. */
  pieces: readonly RecordPiece[];
  /** Where the file's first byte lies in the record: the end of its last piece (0: none). */
  base: number;
  /** The file's size (0 when there is none: just moved, or never written). */
  size: number;
  /** The file's inode, when there is one: a read that opens another file looks again. */
  ino?: number;
}

/** A part of a record read: whole lines of one file (`path`), from byte `from` of that file. */
export interface RecordPart {
  path: string;
  from: number;
  bytes: Buffer;
}

/** The folder of a record's earlier pieces: `ledger` beside `ledger.jsonl`. Pure. */
export function pieceFolder(file: string): string {
  return file.endsWith('.jsonl') ? file.slice(0, -'.jsonl'.length) : `${file}.pieces`;
}

const PIECE_NAME = /^(\d{12,})\.jsonl$/;

/** A piece's path, named for where it starts. Pure. */
function piecePath(folder: string, start: number): string {
  return `${folder}/${String(start).padStart(12, '0')}.jsonl`;
}

/**
 * What this process last found of each record, while its file (the same inode) and its folder of
 * pieces (the same time: a move or a cut changes it) are as they were: a look at a record then costs
 * two `stat`s, not a listing.
 */
const known = new Map<string, { ino: number; folderMs: number; pieces: readonly RecordPiece[]; base: number }>();

/** The record's pieces and file as they stand. A move made by the writer meanwhile is seen, and looked at again. */
export function recordLayout(file: string): RecordLayout {
  const folder = pieceFolder(file);
  for (let attempt = 0; ; attempt += 1) {
    const before = statSync(file, { throwIfNoEntry: false });
    const folderMs = statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    const kept = known.get(file);
    if (before && kept && kept.ino === before.ino && kept.folderMs === folderMs) return { file, pieces: kept.pieces, base: kept.base, size: before.size, ino: before.ino };
    const pieces = listPieces(folder);
    const last = pieces.at(-1);
    const lastStat = last ? statSync(last.path, { throwIfNoEntry: false }) : undefined;
    const after = statSync(file, { throwIfNoEntry: false });
    if (after && !after.isFile()) throw notAFile(file);
    // The file was moved to a piece while this looked (its inode is the last piece's), or replaced: look again.
    const moved = (last !== undefined && lastStat === undefined) || (before !== undefined && lastStat?.ino === before.ino) || before?.ino !== after?.ino;
    if (moved && attempt < 20) continue;
    const base = last === undefined ? 0 : last.start + (lastStat?.size ?? 0);
    if (after) {
      if (known.size > 1_000) known.clear();
      known.set(file, { ino: after.ino, folderMs, pieces, base });
    }
    return { file, pieces, base, size: after?.size ?? 0, ...(after ? { ino: after.ino } : {}) };
  }
}

/**
 * A record's file that is a folder (or a pipe, a device): no reader may count it as empty, and no
 * writer append to it. Said naming it, as from the org root, with what to do.
 */
function notAFile(file: string): LemmingError {
  const at = file.lastIndexOf('/org/state/');
  const shown = at >= 0 ? file.slice(at + 1) : file;
  return new LemmingError(
    'record-not-file',
    `${shown} is not a file (a folder, or another kind), where lemming keeps a record of lines: move it away and put the file back ` +
      `(an org that keeps its history has it as turn N left it: \`lemming show --at N ${shown}\`), then run again`,
    { exitCode: EXIT.record },
  );
}

/** The record's whole size: its pieces and its file. */
export function recordEnd(file: string): number {
  const layout = recordLayout(file);
  return layout.base + layout.size;
}

function listPieces(folder: string): RecordPiece[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const pieces: RecordPiece[] = [];
  for (const name of names) {
    const match = PIECE_NAME.exec(name);
    if (match) pieces.push({ path: `${folder}/${name}`, start: Number(match[1]) });
  }
  return pieces.sort((left, right) => left.start - right.start);
}

/** A piece that does not hold the bytes its place says: changed or cut after it was moved. */
export class ChangedPieceError extends Error {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly expected: number,
  ) {
    super(`${path} holds ${size} bytes where the record has ${expected} (its next piece starts there): a piece is never written again once moved, so it was changed by hand`);
  }
}

/**
 * The whole lines of the record after `offset` (an offset across its pieces), file by file, and
 * where they end: at `offset` when nothing was added, at the record's end when it is shorter than
 * `offset`. A last line without its newline (a write a crash cut short) is not read. Reads only the
 * pieces the lines lie in: from the file's end, one `stat`s and nothing more when nothing was added.
 * Throws ChangedPieceError for a piece whose size is not what the record's next piece says.
 */
export function readRecordFrom(file: string, offset: number): { parts: RecordPart[]; end: number } {
  for (let attempt = 0; ; attempt += 1) {
    const read = tryRead(recordLayout(file), offset);
    if (read !== undefined) return read;
    // A piece or the file moved or cut while it was read: the writer's one step; read again.
    if (attempt >= 20) throw new Error(`${file}: the record kept changing while it was read`);
  }
}

function tryRead(layout: RecordLayout, offset: number): { parts: RecordPart[]; end: number } | undefined {
  const end = layout.base + layout.size;
  if (offset >= end) return { parts: [], end: Math.min(offset, end) };
  const parts: RecordPart[] = [];
  const { pieces } = layout;
  for (let index = 0; index < pieces.length; index += 1) {
    const piece = pieces[index] as RecordPiece;
    const next = index + 1 < pieces.length ? (pieces[index + 1] as RecordPiece).start : layout.base;
    if (next <= offset) continue;
    const bytes = readWhole(piece.path, Math.max(0, offset - piece.start), (stat) => {
      if (stat.size !== next - piece.start) throw new ChangedPieceError(piece.path, stat.size, next - piece.start);
    });
    if (bytes === undefined) return undefined;
    if (bytes.length > 0) parts.push({ path: piece.path, from: Math.max(0, offset - piece.start), bytes });
  }
  if (layout.ino === undefined) return { parts, end: layout.base };
  const from = Math.max(0, offset - layout.base);
  let moved = false;
  const bytes = readWhole(layout.file, from, (stat) => {
    moved = stat.ino !== layout.ino;
  });
  if (bytes === undefined || moved) return undefined;
  const lastNewline = bytes.lastIndexOf(10);
  if (lastNewline >= 0) parts.push({ path: layout.file, from, bytes: bytes.subarray(0, lastNewline + 1) });
  return { parts, end: layout.base + from + lastNewline + 1 };
}

/** `use` on the file opened for reading, closed after; undefined when it cannot be opened (gone). */
function withFileOpen<T>(path: string, use: (descriptor: number) => T): T | undefined {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    return use(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/** A file's bytes from `from` to its end, `check`ed by its stat once open; undefined when it is gone. */
function readWhole(path: string, from: number, check: (stat: Stats) => void): Buffer | undefined {
  return withFileOpen(path, (descriptor) => {
    const stat = fstatSync(descriptor);
    check(stat);
    if (stat.size <= from) return Buffer.alloc(0);
    const buffer = Buffer.allocUnsafe(stat.size - from);
    let read = 0;
    while (read < buffer.length) {
      const count = readSync(descriptor, buffer, read, buffer.length - read, from + read);
      if (count === 0) break;
      read += count;
    }
    return buffer.subarray(0, read);
  });
}

/** The lines of parts read (readRecordFrom), each with its file, where its part begins there, and its number in its part (from 0). */
export function recordLines(parts: readonly RecordPart[]): Array<{ text: string; path: string; from: number; index: number }> {
  const lines: Array<{ text: string; path: string; from: number; index: number }> = [];
  for (const part of parts) {
    const texts = part.bytes.toString('utf8').split('\n');
    // Whole lines: the last split is the empty text after the last newline.
    if (texts.at(-1) === '') texts.pop();
    for (let index = 0; index < texts.length; index += 1) lines.push({ text: texts[index] as string, path: part.path, from: part.from, index });
  }
  return lines;
}

/** How many lines of `path` end before byte `offset`: read only to name a line. */
export function linesBefore(path: string, offset: number): number {
  if (offset === 0) return 0;
  const bytes = readWhole(path, 0, () => undefined)?.subarray(0, offset);
  let count = 0;
  if (bytes) for (let index = bytes.indexOf(10); index >= 0; index = bytes.indexOf(10, index + 1)) count += 1;
  return count;
}

/**
 * Before an append by the record's one writer: move the file to the next piece when it has reached
 * `bytes` (one rename: a kill leaves it where it was or moved, never both or neither). A file that
 * does not end on a whole line (a write cut short, not yet repaired) stays, and so does one whose
 * last line `continues` says the append goes on from (the rest of a turn whose first lines a kill let
 * through: a turn's lines are never split between two pieces). True when it moved.
 */
export function moveWhenFull(file: string, bytes = RECORD_PIECE_BYTES, continues?: (lastLine: string) => boolean): boolean {
  const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size < bytes) return false;
  const last = lastLine(file, size);
  if (last === undefined || continues?.(last)) return false;
  const layout = recordLayout(file);
  if (layout.ino === undefined || layout.size < bytes) return false;
  const folder = pieceFolder(file);
  mkdirSync(folder, { recursive: true });
  renameSync(file, piecePath(folder, layout.base));
  return true;
}

/** The file's last line when it ends on a whole one (without its newline; read from its last 64 KB at most), else undefined. */
function lastLine(path: string, size: number): string | undefined {
  return withFileOpen(path, (descriptor) => {
    const tail = Buffer.alloc(Math.min(size, 64 * 1024));
    const read = readSync(descriptor, tail, 0, tail.length, size - tail.length);
    if (read !== tail.length || tail[tail.length - 1] !== 10) return undefined;
    return tail.subarray(tail.lastIndexOf(10, tail.length - 2) + 1, tail.length - 1).toString('utf8');
  });
}

/**
 * Cut the record back to `size` bytes across its pieces (what the last committed turn left), when it
 * is longer; returns its size now. Each step leaves the record a prefix of what it was and no shorter
 * than `size`, so a kill part-way is finished by the next cut: the file goes first, then each piece
 * after the one `size` lies in, last to first; that piece, cut, becomes the file again.
 */
export function cutRecord(file: string, size: number): number {
  const layout = recordLayout(file);
  const end = layout.base + layout.size;
  if (end <= size) return end;
  if (size >= layout.base) {
    const descriptor = openOwnFile(file, 'cut');
    try {
      ftruncateSync(descriptor, size - layout.base);
    } finally {
      closeSync(descriptor);
    }
    return size;
  }
  rmSync(file, { force: true });
  const pieces = [...layout.pieces];
  for (let piece = pieces.pop(); piece !== undefined; piece = pieces.pop()) {
    if (piece.start >= size) {
      rmSync(piece.path, { force: true });
      continue;
    }
    // `size` lies in this piece (or at its end): it becomes the file, cut there.
    const descriptor = openOwnFile(piece.path, 'cut');
    try {
      ftruncateSync(descriptor, size - piece.start);
    } finally {
      closeSync(descriptor);
    }
    renameSync(piece.path, file);
    break;
  }
  known.delete(file);
  return size;
}

/** Remove a record whole: its file and its pieces (a reset, or a record written again whole). */
export function removeRecord(file: string): void {
  rmSync(file, { force: true });
  rmSync(pieceFolder(file), { recursive: true, force: true });
  known.delete(file);
}
