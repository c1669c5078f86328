import { closeSync, fstatSync, linkSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { classified } from './storage-error.js';
import { temporaryPathFor } from './temporary-files.js';
import { closeQuietly, heldBytes, removeQuietly, storageFault, writeAll, type InjectedFault } from './write-bytes.js';
import { listenerOf, type WrittenFiles } from './written-files.js';

/** A temporary written whole, and, when kept open for a listener, its descriptor and the bytes written (heldBytes). */
interface Written {
  temp: string;
  held: { descriptor: number; bytes: Buffer } | undefined;
}

/**
 * Create `temp` holding `content`, closed unless `keepOpen`; a failure removes it again and throws
 * what it met (ENOENT when the folder is missing). The same system calls as writeFileSync (a turn
 * writes a message each for thousands of agents); secrets are cut by writeAll.
 */
function writeNew(temp: string, content: string | Uint8Array, target: string, fault: InjectedFault | undefined, keepOpen: boolean): Written {
  const descriptor = openSync(temp, 'w');
  try {
    const bytes = keepOpen ? heldBytes(content) : undefined;
    writeAll(descriptor, bytes ?? content, target, fault);
    if (!bytes) closeSync(descriptor);
    return { temp, held: bytes ? { descriptor, bytes } : undefined };
  } catch (error) {
    closeQuietly(descriptor);
    removeQuietly(temp);
    throw error;
  }
}

/**
 * Write the temporary file (temporary-files.ts names it). Its folder is made only when the
 * write finds it missing (a new agent, or a folder a reset or a person removed): asking first
 * would cost every write of a turn a `mkdir` for the few that need one. Whatever fails, no
 * temporary is left, and a failure of the disk is a StorageError.
 */
function writeTemp(path: string, content: string | Uint8Array, keepOpen: boolean): Written {
  const temp = temporaryPathFor(path);
  const fault = storageFault(path);
  try {
    return writeNew(temp, content, path, fault, keepOpen);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw classified(error, path);
    try {
      mkdirSync(dirname(path), { recursive: true });
      return writeNew(temp, content, path, fault, keepOpen);
    } catch (again) {
      throw classified(again, path);
    }
  }
}

/** A temporary that did not become its file: closed, and removed. */
function dropTemp({ temp, held }: Written): void {
  if (held) closeQuietly(held.descriptor);
  removeQuietly(temp);
}

/**
 * Once the temporary is `path` (renamed or linked there), a listener (written-files.ts) is told the
 * bytes and the stamp the file has now, looked at through the descriptor kept open: the file
 * written, whatever has taken its name since.
 */
function tell(listener: WrittenFiles | undefined, path: string, { held }: Written): void {
  if (!held) return;
  try {
    listener?.whole(path, held.bytes, fstatSync(held.descriptor));
  } catch {
    // The file is written: the entry reads it.
  } finally {
    closeQuietly(held.descriptor);
  }
}

/**
 * Write a file so that a reader, or a process killed at any moment, sees either the
 * old content or the new, never half of it: write a temporary file, then rename.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const listener = listenerOf(path);
  listener?.forget(path);
  const written = writeTemp(path, content, listener !== undefined);
  try {
    renameSync(written.temp, path);
  } catch (error) {
    dropTemp(written);
    throw classified(error, path);
  }
  tell(listener, path, written);
}

/**
 * Like writeFileAtomic, but never replaces an existing file: returns false when
 * `path` already exists. Two writers racing for one name cannot both win.
 */
export function createFileAtomic(path: string, content: string): boolean {
  const listener = listenerOf(path);
  listener?.forget(path);
  const written = writeTemp(path, content, listener !== undefined);
  try {
    linkSync(written.temp, path);
  } catch (error) {
    dropTemp(written);
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw classified(error, path);
  }
  // The temporary's name goes before the stamp is taken: its removal moves it (the file's links are counted).
  removeQuietly(written.temp);
  tell(listener, path, written);
  return true;
}
