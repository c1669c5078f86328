import { createReadStream, futimesSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { openSparseWriter, type SparseWriter } from '../storage/sparse-writer.js';
import { entryProblem, permissionsOnly } from './archive-entries.js';

/**
 * How much of the compressed archive is read at a time. Deflate packs zeros about 1,032 to 1, and
 * node-tar inflates what it is given in one go: its own extract read a whole archive of 900 MiB of
 * zeros (under 1 MB) at once and held all of it (1,011 MiB of memory). A piece of 16 KiB inflates
 * to at most some 17 MB, whatever the archive holds.
 */
export const ARCHIVE_READ_BYTES = 16 * 1024;

/** A file's mode when its entry says none (node-tar's default). */
const FILE_MODE = 0o666;
const FOLDER_MODE = 0o777;

/**
 * Unpack a gzip-compressed tar archive into the folder `into`, an entry at a time, each file written
 * as its pieces arrive (storage/sparse-writer.ts: each piece on disk before the next is inflated, its
 * blocks of zeros left as holes), so memory holds one piece of the archive whatever its files' sizes.
 * Every entry passes `entryProblem` (files and folders only, under the org's folders, no `..`), or
 * the unpacking stops there with the problem; a file is created new (never over one, never through a
 * link) with its permission bits only (no setuid, setgid or sticky bit), the umask applied, and its
 * modification time. `onEntry` hears of each entry as it starts. Rejects with the first failure.
 */
export function unpackArchive(archive: string, into: string, onEntry?: (entry: ReadEntry) => void): Promise<void> {
  return new Promise<void>((done, failed) => {
    let failure: unknown;
    const stop = (error: unknown): void => {
      if (failure !== undefined) return;
      failure = error;
      stream.destroy();
      failed(error);
    };
    const parser = new Parser({
      strict: true,
      // Bounded by the entries' sizes and the disk's room, checked before (import-org.ts), not by a ratio an export of zeros passes.
      maxDecompressionRatio: Number.POSITIVE_INFINITY,
      onReadEntry: (entry) => {
        if (failure !== undefined) {
          entry.resume();
          return;
        }
        try {
          onEntry?.(entry);
          unpackEntry(entry, into, stop);
        } catch (error) {
          stop(error);
          entry.resume();
        }
      },
    });
    const stream = createReadStream(archive, { highWaterMark: ARCHIVE_READ_BYTES });
    parser.on('end', () => {
      if (failure === undefined) done();
    });
    parser.on('error', stop);
    parser.on('abort', stop);
    stream.on('error', stop);
    stream.pipe(parser);
  });
}

function unpackEntry(entry: ReadEntry, into: string, stop: (error: unknown) => void): void {
  const problem = entryProblem(entry.path, entry.type);
  if (problem !== undefined) throw new Error(`its entry "${entry.path}" ${problem}`);
  const parts = entry.path.split('/').filter((part) => part !== '' && part !== '.');
  const target = join(into, ...parts);
  if (entry.type === 'Directory') {
    mkdirSync(target, { recursive: true, mode: permissionsOnly(entry.mode ?? FOLDER_MODE) & FOLDER_MODE });
    entry.resume();
    return;
  }
  mkdirSync(dirname(target), { recursive: true });
  let writer: SparseWriter | undefined = openSparseWriter(target, permissionsOnly(entry.mode ?? FILE_MODE) & FOLDER_MODE);
  const finish = (error?: unknown): void => {
    const open = writer;
    writer = undefined;
    if (open === undefined) return;
    try {
      if (error === undefined) {
        open.end();
        if (entry.mtime !== undefined) futimesSync(open.fd, entry.atime ?? new Date(), entry.mtime);
      }
    } catch (failure) {
      error = failure;
    } finally {
      open.close();
    }
    if (error !== undefined) stop(error);
  };
  entry.on('data', (piece: Buffer) => {
    if (writer === undefined) return;
    try {
      writer.put(piece);
    } catch (error) {
      finish(error);
    }
  });
  entry.on('end', () => finish());
}
