import { existsSync, mkdirSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { makeFolders } from './make-folders.js';
import { temporaryPathFor } from './temporary-files.js';

/**
 * The one rule for a file or folder a person names for lemming to write (`export FILE`, `backup FILE`,
 * `--csv DIR`, `--out DIR`, `--record FILE`, the `--root` of a new org: org/org-folder.ts): lemming makes at most the last name of the path; the
 * folder it goes in must already exist, as `tar -cf` and `git archive -o` want it. A typo in a folder's
 * name (`/tmp/a/b/c/out.tar.gz`) is refused, naming the folder, rather than made along with its parents.
 * `option` is how the person gave the path (`--csv`), or empty for a command's argument. Bad usage: exit 2.
 */
export function requireFolderFor(option: string, path: string): void {
  const folder = dirname(path);
  const named = option === '' ? path : `${option} ${path}`;
  if (!existsSync(folder)) {
    throw new LemmingError('no-such-folder', `${named}: the folder ${folder} does not exist; make it first (mkdir -p ${folder}) or give a path in a folder that exists`, { exitCode: EXIT.usage });
  }
  if (!statSync(folder).isDirectory()) throw new LemmingError('no-such-folder', `${named}: ${folder} is not a folder; give a path in a folder that exists`, { exitCode: EXIT.usage });
}

/**
 * requireFolderFor, for a folder a person names for lemming to fill with `what` (`--csv DIR`: tables,
 * `--out DIR`: reports), and the system lets lemming write there: tried before the work whose files
 * it would hold (an experiment's runs, a survey's calls), not once that work is done and paid for. A
 * folder that exists gets a temporary file made and removed in it (named as lemming's temporaries are,
 * so a sweep removes one a killed command left); a new one is made and removed again. What the system
 * refuses (`/proc/self`, a read-only disk, another user's folder) is said as unwritableFolder says it.
 */
export function requireWritableFolder(option: string, folder: string, what: string): void {
  requireFolderFor(option, folder);
  if (existsSync(folder) && !statSync(folder).isDirectory()) {
    throw new LemmingError('unwritable-folder', `${folder}: is a file, not a folder; ${option} writes a folder of ${what}: pass ${option} a new or empty folder`, { exitCode: EXIT.usage });
  }
  try {
    if (existsSync(folder)) {
      const probe = temporaryPathFor(join(folder, 'probe'));
      writeFileSync(probe, '');
      unlinkSync(probe);
    } else {
      // Only the last name, as the write will make it: requireFolderFor saw the folder above it.
      mkdirSync(folder);
      rmdirSync(folder);
    }
  } catch (error) {
    throw unwritableFolder(option, folder, what, error);
  }
}

/**
 * A folder the system will not let lemming write `what` into, said with the option, the folder, the
 * system's code and what to do (exit 2), rather than as an unexpected error: for the check before the
 * work (requireWritableFolder) and for a write that fails after it. A full or failing disk (a
 * StorageError) and lemming's own refusals pass as they are.
 */
export function unwritableFolder(option: string, folder: string, what: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof LemmingError || typeof code !== 'string') return error;
  return new LemmingError('unwritable-folder', `${option} ${folder}: the system refuses to let lemming write its ${what} there (${code}); pass ${option} a folder you can write, new or one lemming wrote ${what} into`, { exitCode: EXIT.usage, cause: error });
}

/**
 * Make the folder a report goes into: one a person named with `option` (`--out`) by its last name
 * only (requireWritableFolder saw the folder above it), its failure said as unwritableFolder says it;
 * lemming's own default (`ROOT/calibration/NAME`, `RUN/blame/CHECK`), `option` undefined, with the
 * folders above it.
 */
export function makeReportFolder(folder: string, option?: string): void {
  try {
    if (option === undefined) makeFolders(folder);
    else if (!existsSync(folder)) mkdirSync(folder);
  } catch (error) {
    throw option === undefined ? error : unwritableFolder(option, folder, 'reports', error);
  }
}

/** Write a report's files (name to text) into its folder, made as makeReportFolder makes it; each file whole (writeFileAtomic). */
export function writeReports(folder: string, files: Readonly<Record<string, string>>, option?: string): void {
  makeReportFolder(folder, option);
  try {
    for (const [name, text] of Object.entries(files)) writeFileAtomic(join(folder, name), text);
  } catch (error) {
    throw option === undefined ? error : unwritableFolder(option, folder, 'reports', error);
  }
}
