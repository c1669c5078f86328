import { closeSync, constants, lstatSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { classified } from '../../storage/storage-error.js';
import { temporaryPathFor } from '../../storage/temporary-files.js';
import { storageFault, writeAll } from '../../storage/write-bytes.js';
import { handOver, type FileOwner } from './hand-over.js';
import { closeQuietly, entryPath } from './open-beneath.js';

/** Creating a temporary: a new file, never one that is there, never through a link. */
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** What is at a name in a held folder, without following it; undefined when nothing is. */
export function entryStat(folder: number, name: string): ReturnType<typeof lstatSync> | undefined {
  return lstatSync(entryPath(folder, name), { throwIfNoEntry: false });
}

/**
 * Replace (or create) the file `name` in the folder held as `folder`, atomically: the content goes
 * to a new temporary beside it (O_CREAT|O_EXCL|O_NOFOLLOW, so it is made there and nowhere else),
 * which is then renamed over the name; both names are resolved in the held folder alone, so a
 * command swapping folders meanwhile changes nothing of where the file lands. A rename replaces a
 * link put at the name instead of writing through it. `target` names the file for storage errors
 * and the storage tests' injected faults (write-bytes.ts), as the write layer does; text loses the
 * org's secrets there too. A failure removes the temporary and throws what it met (a StorageError
 * when it is the disk's fault). The new file is given to `owner` (hand-over.ts).
 */
export function writeBeneath(folder: number, name: string, content: string, target: string, owner?: FileOwner): void {
  const temp = temporaryPathFor(name);
  const tempPath = entryPath(folder, temp);
  const fault = storageFault(target);
  let fd: number;
  try {
    fd = openSync(tempPath, CREATE, 0o666);
  } catch (error) {
    throw classified(error, target);
  }
  let open = true;
  try {
    handOver(fd, owner);
    writeAll(fd, content, target, fault);
    open = false;
    closeSync(fd);
    renameSync(tempPath, entryPath(folder, name));
  } catch (error) {
    if (open) closeQuietly(fd);
    try {
      unlinkSync(tempPath);
    } catch {
      // Never renamed away, or gone: the next start's sweep removes a temporary left.
    }
    throw classified(error, target);
  }
}
