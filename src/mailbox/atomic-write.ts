import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temporary files end with this; outbox scans and invariant checks ignore them. */
export const TEMP_SUFFIX = '.tmp';

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/**
 * Write a file so that a reader, or a process killed at any moment, sees either the
 * old content or the new, never half of it: write a temporary file, then rename.
 */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or never written.
    }
    throw error;
  }
}

/**
 * Like writeFileAtomic, but never replaces an existing file: returns false when
 * `path` already exists. Two writers racing for one name cannot both win.
 */
export function createFileAtomic(path: string, content: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  writeFileSync(temp, content);
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
