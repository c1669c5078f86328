import { closeSync, constants, ftruncateSync, openSync, writeSync } from 'node:fs';
import { classified } from './storage-error.js';

/** Writing a new file: never one that is there, never through a link. */
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** The grain of holes: a file system's block. */
const BLOCK = 4096;
const ZEROS = Buffer.alloc(BLOCK);

/** Whether a block is all zeros (a hole read back, or zeros written). */
function isZeros(block: Buffer): boolean {
  return block.equals(block.length === BLOCK ? ZEROS : ZEROS.subarray(0, block.length));
}

/** A new file written a piece at a time, in order; `end` gives its size, `close` lets it go. */
export interface SparseWriter {
  /** The open file, for what else the caller sets on it (its mode, its times). */
  readonly fd: number;
  /** The next piece: each block of zeros in it is skipped, the rest written where it belongs. */
  put(bytes: Buffer): void;
  /** The file's size set to the bytes put (the holes at its end are in it); returns it. */
  end(): number;
  close(): void;
}

/**
 * A new file at `path` (created with `mode`, the process's umask applied) written a piece at a time,
 * so memory holds one piece whatever the file's size, and sparse: a block of zeros is skipped, not
 * written, so holes take no disk in it (and a file of zeros that took disk takes none). Each piece is
 * written before `put` returns: a caller fed by a stream holds no more than the piece it was given. A
 * failure to write is thrown as the storage's (storage-error.ts), naming `path`.
 */
export function openSparseWriter(path: string, mode: number): SparseWriter {
  let fd: number;
  try {
    fd = openSync(path, CREATE, mode);
  } catch (error) {
    throw classified(error, path);
  }
  let offset = 0;
  const write = (bytes: Buffer, from: number, to: number): void => {
    for (let done = from; done < to; ) done += writeSync(fd, bytes, done, to - done, offset + done);
  };
  return {
    fd,
    put(bytes) {
      try {
        let run = -1;
        // Blocks aligned to the file's, whatever the pieces' sizes, so a skipped one is a whole hole.
        for (let start = 0, end = BLOCK - (offset % BLOCK); start < bytes.length; start = end, end += BLOCK) {
          end = Math.min(end, bytes.length);
          if (isZeros(bytes.subarray(start, end))) {
            if (run >= 0) write(bytes, run, start);
            run = -1;
          } else if (run < 0) {
            run = start;
          }
        }
        if (run >= 0) write(bytes, run, bytes.length);
        offset += bytes.length;
      } catch (error) {
        throw classified(error, path);
      }
    },
    end() {
      try {
        ftruncateSync(fd, offset);
      } catch (error) {
        throw classified(error, path);
      }
      return offset;
    },
    close() {
      closeSync(fd);
    },
  };
}
