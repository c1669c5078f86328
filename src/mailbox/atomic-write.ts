import { linkSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temporary files end with this; outbox scans and invariant checks ignore them. */
export const TEMP_SUFFIX = '.tmp';

let counter = 0;
const madeDirectories = new Set<string>();

function tempPathFor(path: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter}${TEMP_SUFFIX}`);
}

/** mkdir -p, remembered, so a turn's many writes into the same folders do not each ask the file system. */
export function ensureDirectory(directory: string): void {
  if (madeDirectories.has(directory)) return;
  mkdirSync(directory, { recursive: true });
  madeDirectories.add(directory);
}

function writeTemp(path: string, content: string): string {
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, content);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // The folder was removed since we made it (a reset, a person): make it again.
    madeDirectories.delete(dirname(path));
    ensureDirectory(dirname(path));
    writeFileSync(temp, content);
  }
  return temp;
}

/**
 * Write a file so that a reader, or a process killed at any moment, sees either the
 * old content or the new, never half of it: write a temporary file, then rename.
 */
export function writeFileAtomic(path: string, content: string): void {
  ensureDirectory(dirname(path));
  const temp = writeTemp(path, content);
  try {
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Never written.
    }
    throw error;
  }
}

/**
 * Like writeFileAtomic, but never replaces an existing file: returns false when
 * `path` already exists. Two writers racing for one name cannot both win.
 */
export function createFileAtomic(path: string, content: string): boolean {
  ensureDirectory(dirname(path));
  const temp = writeTemp(path, content);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}
