import { linkSync, mkdirSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { cutSecrets } from '../secrets/secrets.js';

/** Temporary files end with this; outbox scans and invariant checks ignore them. */
export const TEMP_SUFFIX = '.tmp';

let counter = 0;
const suffix = `.${process.pid}.`;

/** `<folder>/.<name>.<pid>.<n>.tmp`: the paths given here are already whole, so no join is needed. */
function tempPathFor(path: string): string {
  counter += 1;
  const slash = path.lastIndexOf(sep);
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}${suffix}${counter}${TEMP_SUFFIX}`;
}

/**
 * Write the temporary file, with the org's secrets cut out (every whole-file write of lemming's
 * comes here: messages, memory, proposals, workspace files, the engine's state). Its folder is
 * made only when the write finds it missing (a new agent, or a folder a reset or a person
 * removed): asking first would cost every write of a turn a `mkdir` for the few that need one.
 */
function writeTemp(path: string, text: string): string {
  const temp = tempPathFor(path);
  const content = cutSecrets(text);
  try {
    writeFileSync(temp, content);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, content);
  }
  return temp;
}

/**
 * Write a file so that a reader, or a process killed at any moment, sees either the
 * old content or the new, never half of it: write a temporary file, then rename.
 */
export function writeFileAtomic(path: string, content: string): void {
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

/** Remove temporary files a killed writer left behind (they start with "." and end with ".tmp"). */
export function removeTemporaryFiles(directory: string): void {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) {
      try {
        unlinkSync(join(directory, name));
      } catch {
        // Gone already.
      }
    }
  }
}
