import { closeSync, constants, fchmodSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import type { SecretCutter } from '../secrets/secret-stream.js';
import { classified } from './storage-error.js';

/** How much of a file is read at a time. */
const PIECE = 1024 * 1024;

/** Creating a copy: a new file, never one that is there, never through a link. */
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Copy the regular file held open as `from` to a new file `to`, a piece at a time, so memory does not
 * grow with the file: with `cutter`, each piece without the org's secrets (secrets/secret-stream.ts).
 * A block of zeros is not written but skipped, so a sparse file is copied sparse: its holes take no
 * disk in the copy either (and a file of zeros that took disk takes none). The copy gets `mode` (its
 * permission bits) and no more. Returns the bytes written, and whether anything was cut. A failure to
 * write is thrown as the storage's (storage-error.ts), naming `to`.
 */
export function copyFilePieces(from: number, to: string, options: { mode: number; cutter?: SecretCutter }): { bytes: number; cut: boolean } {
  let fd: number;
  try {
    fd = openSync(to, CREATE, 0o600);
  } catch (error) {
    throw classified(error, to);
  }
  const buffer = Buffer.allocUnsafe(PIECE);
  let position = 0;
  let offset = 0;
  // Each block of zeros is skipped: runs of the others are written where they belong.
  const put = (bytes: Buffer): void => {
    let run = -1;
    const write = (end: number): void => {
      for (let done = run; done < end; ) done += writeSync(fd, bytes, done, end - done, offset + done);
      run = -1;
    };
    for (let start = 0; start < bytes.length; start += BLOCK) {
      const end = Math.min(start + BLOCK, bytes.length);
      if (isZeros(bytes.subarray(start, end))) {
        if (run >= 0) write(start);
      } else if (run < 0) {
        run = start;
      }
    }
    if (run >= 0) write(bytes.length);
    offset += bytes.length;
  };
  try {
    for (;;) {
      const read = readSync(from, buffer, 0, PIECE, position);
      if (read === 0) break;
      position += read;
      const piece = buffer.subarray(0, read);
      put(options.cutter ? options.cutter.push(piece) : piece);
    }
    if (options.cutter) put(options.cutter.end());
    // The holes at the end (nothing written past the last piece with data) are in the file's size.
    ftruncateSync(fd, offset);
    fchmodSync(fd, options.mode);
  } catch (error) {
    throw classified(error, to);
  } finally {
    closeSync(fd);
  }
  return { bytes: offset, cut: options.cutter?.cut ?? false };
}

/** The grain of holes: a file system's block. */
const BLOCK = 4096;
const ZEROS = Buffer.alloc(BLOCK);

/** Whether a block is all zeros (a hole read back, or zeros written). */
function isZeros(block: Buffer): boolean {
  return block.equals(block.length === BLOCK ? ZEROS : ZEROS.subarray(0, block.length));
}
