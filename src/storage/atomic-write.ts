import { closeSync, linkSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cutSecrets } from '../secrets/secrets.js';
import { makeFolders } from './make-folders.js';
import { classified } from './storage-error.js';
import { temporaryPathFor } from './temporary-files.js';
import { closeQuietly, removeQuietly, storageFault, writeAll, type InjectedFault } from './write-bytes.js';

/** Create `temp` holding `content`; a failure removes it again and throws what it met (ENOENT when the folder is missing). */
function writeNew(temp: string, content: string | Uint8Array, target: string, fault: InjectedFault | undefined): void {
  if (fault === undefined) {
    // One call for the whole file (a turn writes a message each for thousands of agents): a temporary
    // that fails part-way is removed whole, so there is nothing to take back, and secrets are cut as in writeAll.
    try {
      writeFileSync(temp, typeof content === 'string' ? cutSecrets(content) : content);
    } catch (error) {
      removeQuietly(temp);
      throw error;
    }
    return;
  }
  const descriptor = openSync(temp, 'w');
  try {
    writeAll(descriptor, content, target, fault);
    closeSync(descriptor);
  } catch (error) {
    closeQuietly(descriptor);
    removeQuietly(temp);
    throw error;
  }
}

/**
 * Write the temporary file (temporary-files.ts names it). Its folder is made only when the
 * write finds it missing (a new agent, or a folder a reset or a person removed): asking first
 * would cost every write of a turn a `mkdir` for the few that need one (made one name at a time:
 * make-folders.ts). Whatever fails, no temporary is left, and a failure of the disk is a StorageError.
 */
function writeTemp(path: string, content: string | Uint8Array, folder?: string): string {
  const temp = temporaryPathFor(path, folder);
  const fault = storageFault(path);
  try {
    writeNew(temp, content, path, fault);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw classified(error, path);
    try {
      makeFolders(folder ?? dirname(path));
      writeNew(temp, content, path, fault);
    } catch (again) {
      throw classified(again, path);
    }
  }
  return temp;
}

/**
 * Write a file so that a reader, or a process killed at any moment, sees either the
 * old content or the new, never half of it: write a temporary file, then rename.
 *
 * The temporary is beside the file, or in `temporaryIn`, a folder of lemming's own on the same
 * disk that start-up sweeps (engine/record/leftover-temporaries.ts) and nothing watches: a file
 * made in a watched folder is four notifications to every watch of it (made, written, renamed
 * from, renamed to), one when only the rename lands there. When that rename fails (the folder
 * is missing or refused, or on another disk), the file is written beside instead, as it would
 * have been, failing as that fails.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, temporaryIn?: string): void {
  const temp = writeTemp(path, content, temporaryIn);
  try {
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    if (temporaryIn !== undefined) return writeFileAtomic(path, content);
    throw classified(error, path);
  }
}

/**
 * Like writeFileAtomic, but never replaces an existing file: returns false when
 * `path` already exists. Two writers racing for one name cannot both win.
 */
export function createFileAtomic(path: string, content: string): boolean {
  const temp = writeTemp(path, content);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw classified(error, path);
  } finally {
    removeQuietly(temp);
  }
}
