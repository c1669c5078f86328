import { fchmodSync, readSync } from 'node:fs';
import type { SecretCutter } from '../secrets/secret-stream.js';
import { openSparseWriter } from './sparse-writer.js';
import { classified } from './storage-error.js';

/** How much of a file is read at a time: here, and by the archive's writer (archive/export-org.ts). */
export const PIECE = 1024 * 1024;

/**
 * Copy at most `length` bytes of the regular file held open as `from` (what a walk found and bounded:
 * a file that grows while it is copied is read no further) to a new file `to` (never one that is
 * there, never through a link), a piece at a time, so memory does not grow with the file: with `cutter`, each
 * piece without the org's secrets (secrets/secret-stream.ts). Written sparse (sparse-writer.ts): its
 * holes take no disk in the copy either. The copy gets `mode` (its permission bits) and no more.
 * Returns the bytes written, and whether anything was cut. A failure to write is thrown as the
 * storage's (storage-error.ts), naming `to`.
 */
export function copyFilePieces(from: number, to: string, options: { length: number; mode: number; cutter?: SecretCutter }): { bytes: number; cut: boolean } {
  const writer = openSparseWriter(to, 0o600);
  // No bigger than the file: a dry run copies thousands of resumes of a few hundred bytes, and a MiB
  // for each was gigabytes to collect (a second of a 2,000-agent dry run in the garbage collector).
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(PIECE, options.length)));
  let position = 0;
  let bytes: number;
  try {
    while (position < options.length) {
      const read = readSync(from, buffer, 0, Math.min(PIECE, options.length - position), position);
      if (read === 0) break;
      position += read;
      const piece = buffer.subarray(0, read);
      // The cutter's pieces may be views of `buffer`: each is written before the next read.
      if (options.cutter) for (const bytes of options.cutter.push(piece)) writer.put(bytes);
      else writer.put(piece);
    }
    if (options.cutter) for (const bytes of options.cutter.end()) writer.put(bytes);
    bytes = writer.end();
    fchmodSync(writer.fd, options.mode);
  } catch (error) {
    throw classified(error, to);
  } finally {
    writer.close();
  }
  return { bytes, cut: options.cutter?.cut ?? false };
}
