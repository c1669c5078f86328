import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { partOf, storedParts } from './stored-path.js';
import { EXIT, LemmingError } from '../errors.js';
import { gitSync } from './git.js';
import { historyPlace } from './history-paths.js';
import { entryOfTurn, requirePartJoins } from './read-history.js';
import { removeTemporaryFolder, sweepTemporaryFoldersOnce, temporaryFolder } from '../storage/temporary-files.js';
import type { HistoryEntry } from './history-entry.js';

/**
 * Write the org at `orgRoot` as it was after turn `turn` into `destination` (absent, or an empty
 * folder): every file its history holds for that turn, with its permission bits: its record, ledger,
 * read marks, proposals, notes and workspaces. Nothing machine-local (the lock, caches, the journal)
 * and no secret file is in the history, so none is written; the org's own history is not copied
 * (forkOrg does that). Returns the entry written. Reused by `fork`, `diff --turns` and experiments;
 * `editsBefore` (a fork's) adds the hand edits made before turn `turn + 1` (entryOfTurn).
 */
export function materialiseTurn(orgRoot: string, turn: number, destination: string, options: { editsBefore?: boolean } = {}): HistoryEntry {
  const entry = entryOfTurn(orgRoot, turn, options);
  const target = resolve(destination);
  requireEmptyFolder(target);
  mkdirSync(target, { recursive: true });
  // An index of its own in a temporary folder: the org's history is only read. Through the one home of
  // temporary folders: one a killed process left is swept by the next process's first materialising.
  sweepTemporaryFoldersOnce('materialise');
  const scratch = temporaryFolder('materialise');
  try {
    const place = { gitDir: historyPlace(orgRoot).gitDir, workTree: target, indexFile: join(scratch, 'index') };
    gitSync(place, ['read-tree', entry.commit]);
    // Entries of earlier versions may hold a symbolic link or a repository (a gitlink): only plain files are written out.
    const records = gitSync(place, ['ls-files', '-s', '-z']).toString('utf8').split('\0');
    const unplain = records.filter((record) => /^(120000|160000) /.test(record)).map((record) => record.slice(record.indexOf('\t') + 1));
    if (unplain.length > 0) gitSync(place, ['update-index', '--force-remove', '-z', '--stdin'], `${unplain.join('\0')}\0`);
    gitSync(place, ['checkout-index', '--all', '--force']);
    // Each file where the org has it, out of the folders of its number the history keeps it in (stored-path.ts).
    placeAsInOrg(target, records.filter((record) => /^100(644|755) /.test(record)).map((record) => record.slice(record.indexOf('\t') + 1)));
  } finally {
    removeTemporaryFolder(scratch);
  }
  return entry;
}

/** A fork or a materialised turn never writes over files: the folder must be new or empty. */
export function requireEmptyFolder(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new LemmingError('not-empty', `${folder}: is a file; give a new folder for the org`, { exitCode: EXIT.usage });
    throw error;
  }
  if (names.length > 0) throw new LemmingError('not-empty', `${folder}: is not empty (it holds ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}); give a new folder for the org`, { exitCode: EXIT.usage });
}

/**
 * Move each of the `stored` files written under `target` to its place in the org, a file kept as parts joined
 * there (stored-path.ts storedParts), and remove the folders of numbers and of parts it leaves empty.
 */
function placeAsInOrg(target: string, stored: readonly string[]): void {
  const emptied = new Set<string>();
  for (const [inOrg, parts] of storedParts(stored)) {
    const first = parts[0] as { stored: string; offset: number };
    if (parts.length === 1 && first.offset === 0 && inOrg === first.stored) continue;
    mkdirSync(dirname(join(target, inOrg)), { recursive: true });
    if (parts.length === 1 && partOf(first.stored) === undefined) renameSync(join(target, first.stored), join(target, inOrg));
    else joinParts(target, inOrg, parts);
    // Each folder the history's path has that the org's does not (those a numbered file goes into, a parts folder).
    for (const { stored: path } of parts) {
      for (let folder = dirname(path); folder !== '.' && !`${dirname(inOrg)}/`.startsWith(`${folder}/`); folder = dirname(folder)) emptied.add(folder);
    }
  }
  // Deepest first: a folder's own folders of numbers go before it.
  for (const folder of [...emptied].sort((left, right) => right.length - left.length)) rmdirQuietly(join(target, folder));
}

/**
 * A file kept as parts, written at `inOrg` from them: the first part renamed there (its mode is the file's), each
 * next appended to it and removed. Each part must start where the bytes before it end: an entry whose parts leave
 * a gap or overlap is not the file lemming kept, and is refused rather than written wrong.
 */
function joinParts(target: string, inOrg: string, parts: ReadonlyArray<{ stored: string; offset: number }>): void {
  const destination = join(target, inOrg);
  let bytes = 0;
  for (const [index, part] of parts.entries()) {
    // A second file of the same place not kept as a part (an org's own name beside the parts): offset 0, refused as a gap.
    requirePartJoins(inOrg, part.stored, index > 0 && partOf(part.stored) === undefined ? -1 : part.offset, bytes);
    const from = join(target, part.stored);
    if (index === 0) renameSync(from, destination);
    else {
      appendFileSync(destination, readFileSync(from));
      rmSync(from);
    }
    bytes = statSync(destination).size;
  }
}

function rmdirQuietly(folder: string): void {
  try {
    rmdirSync(folder);
  } catch {
    // Not empty: it holds a file of the org's own (a folder named like one of numbers, kept with a `~`, is not this one).
  }
}
