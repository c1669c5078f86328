import { createHash } from 'node:crypto';
import { blobId } from './blob-id.js';
import type { KnownFile } from './known-file-table.js';

/*
 * The proof that a record's own file (the ledger's, `taken.jsonl`, an activity log's current one), kept in the
 * history as the parts each entry appended (stored-path.ts partsFolder), only grew since: then the next entry adds
 * one part of the bytes appended, and anything unproven is stored whole again (known-files.ts compareParts).
 */

/**
 * The parts a record's own file is kept in at most: past them it is stored whole again, as one. A record is moved
 * to a piece when full (some 8 to 64 KB), so its parts are a few; a file of the same name elsewhere (in a workspace)
 * that only grows would otherwise add a name a turn to one folder, whose tree git writes whole each time.
 */
const MOST_PARTS = 64;

/** A file's parts (KnownFile.parts) as numbers, or undefined when it is not kept as parts. */
export function heldParts(parts: string | undefined): { bytes: number; count: number; inode: number } | undefined {
  if (parts === undefined) return undefined;
  const [bytes, count, inode] = parts.split(':').map(Number) as [number, number, number];
  return { bytes, count, inode };
}

/** KnownFile.parts of a file whose parts hold `bytes` joined, `count` of them, read from inode `inode`. Pure. */
export function partsText(bytes: number, count: number, inode: number): string {
  return `${bytes}:${count}:${inode}`;
}

/** The hash a file kept as parts is known by (KnownFile.oid): SHA-1 of its whole bytes, no id of git's. */
export function wholeHash(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** What a file kept as parts is, read again: the same bytes, or grown by appending from `from` (only a record's own file). */
export type PartsFound = { kind: 'same'; oid: string; parts: string } | { kind: 'appended'; from: number; oid: string; parts: string };

/**
 * The file `known` (kept as parts) read again as `data` (its mode and inode as seen), or undefined when not proven
 * the same or grown by appending. The proof, in one pass over the bytes: the file the parts were read from (its
 * inode), larger than they hold, fewer than MOST_PARTS parts, and its first bytes, as many as they hold, with the
 * SHA-1 kept of them (KnownFile.oid: the hash is taken over that many bytes, copied, and taken on over the rest for
 * the next entry). Parts known from an entry's tree (a count and hash not known) are the same when each part's blob
 * id is that of the bytes at its place. Only a record's own file (`record`) may gain a part; a piece whose parts were
 * copied to it is only ever the same.
 */
export function partsFound(known: KnownFile, data: Buffer, mode: string, inode: number, record: boolean, algorithm: string): PartsFound | undefined {
  const held = heldParts(known.parts);
  if (!held || known.mode !== mode) return undefined;
  if (held.bytes < 0) {
    return known.partIds !== undefined && partsHold(known.partIds, data, algorithm) ? { kind: 'same', oid: wholeHash(data), parts: partsText(data.length, held.count, inode) } : undefined;
  }
  if (known.oid === '' || held.bytes > data.length) return undefined;
  const whole = createHash('sha1').update(data.subarray(0, held.bytes));
  if (held.bytes === data.length) return whole.digest('hex') === known.oid ? { kind: 'same', oid: known.oid, parts: partsText(held.bytes, held.count, inode) } : undefined;
  if (!record || held.bytes === 0 || held.inode !== inode || held.count >= MOST_PARTS || whole.copy().digest('hex') !== known.oid) return undefined;
  return { kind: 'appended', from: held.bytes, oid: whole.update(data.subarray(held.bytes)).digest('hex'), parts: partsText(data.length, held.count + 1, inode) };
}

/** Whether `data` is what parts of these ids hold (KnownFile.partIds: `offset=id`, by offset), each at its place, the last to the end. */
function partsHold(partIds: string, data: Buffer, algorithm: string): boolean {
  const ids = partIds.split(',').map((id) => id.split('='));
  return ids.every(([offset, oid], index) => {
    const start = Number(offset);
    const end = index + 1 < ids.length ? Number(ids[index + 1]?.[0]) : data.length;
    return (index > 0 || start === 0) && start < end && end <= data.length && blobId(data.subarray(start, end), algorithm) === oid;
  });
}
