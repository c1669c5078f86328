import { createReadStream, existsSync, mkdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { moveInto, stagingBeside } from '../storage/staged-folder.js';
import { EXIT, LemmingError } from '../errors.js';
import { loadState } from '../engine/record/state-store.js';
import { statePaths } from '../engine/record/state-paths.js';
import { entryProblem } from './archive-entries.js';
import { HISTORY_BUNDLE_NAME, MANIFEST_NAME, parseManifest, type ExportManifest } from './manifest.js';
import { ORG_FOLDERS } from './org-files.js';
import { ARCHIVE_READ_BYTES, unpackArchive } from './unpack-archive.js';
import { HISTORY_LIMITS } from '../history/history-limits.js';
import type { WorkProgress } from '../work-progress.js';
import { showSize } from '../format/format.js';

/** What an import made. */
export interface ImportReport {
  root: string;
  manifest: ExportManifest;
  /** The turn the org's own record (org/state/engine.json) stands at: the next run is the one after it, whatever the manifest says. */
  turn: number;
  /** Files written. */
  files: number;
  /** The history restored from the archive's bundle, when it carried one. */
  history?: { entries: number; first: number; last: number };
}

/**
 * Make a new org at `root` from an archive `lemming export` or `lemming backup` wrote: it goes on
 * from the turn it was taken at, since the record (ledger, what each outbox has had taken in,
 * the turn) travels in the archive. Refuses a root that holds an org already, and an archive
 * with anything but files and folders under the org's folders (every entry is checked before
 * any is written). Files and folders get their permission bits only (no setuid, setgid or sticky
 * bit) and belong to the importing user. A history the archive carries (`export --history`) is
 * restored from its bundle into a store made here (history/history-bundle.ts), never unpacked as
 * a git folder, and bounded in size (history/history-limits.ts: the bundle's size is read from its
 * header here, before anything is unpacked). The org appears whole or not at all: it is unpacked beside and moved in.
 * Each file is streamed to disk as it is unpacked, its zeros left as holes (unpack-archive.ts): memory
 * is bounded whatever the files' sizes.
 *
 * What the archive unpacks to is bounded by what its entries' headers say, not by how well it
 * compresses: an export of a workspace holding a file of zeros compresses a thousand to one and is
 * restored all the same, while an archive that unpacks to more than the disk has room for is refused
 * as its headers are read, before anything is written.
 */
export async function importOrg(file: string, root: string, progress?: WorkProgress): Promise<ImportReport> {
  const archive = resolve(file);
  refuseExistingOrg(root);
  const parent = dirname(root);
  mkdirSync(parent, { recursive: true });
  const manifest = await checkArchive(archive, roomAt(parent));
  const staging = stagingBeside(root, 'import');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    let files = 0;
    try {
      await unpackArchive(archive, staging, (entry) => {
        if (entry.type !== 'Directory' && entry.path !== MANIFEST_NAME && entry.path !== HISTORY_BUNDLE_NAME) files += 1;
        progress?.('unpacking the archive', files, manifest.files);
      });
    } catch (error) {
      if (error instanceof LemmingError) throw error;
      throw badArchive(archive, `could not be unpacked (${(error as Error).message}); nothing was imported`);
    }
    rmSync(join(staging, MANIFEST_NAME), { force: true });
    if (!existsSync(join(staging, 'org', 'org.yaml'))) throw badArchive(archive, 'holds no org/org.yaml, so no org');
    // The record must read; an engine opened on it checks the rest (the ledger, what was taken in).
    const { turn } = loadState(statePaths(staging).state);
    const bundle = join(staging, HISTORY_BUNDLE_NAME);
    let history: ImportReport['history'];
    if (existsSync(bundle)) {
      // Loaded only for an archive that carries a history.
      const { restoreHistoryBundle } = await import('../history/history-bundle.js');
      history = await restoreHistoryBundle(bundle, staging, archive);
      rmSync(bundle, { force: true });
    }
    moveInto(staging, root);
    return { root, manifest, turn, files, ...(history === undefined ? {} : { history }) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function refuseExistingOrg(root: string): void {
  const found = ORG_FOLDERS.filter((folder) => existsSync(join(root, folder)));
  if (found.length > 0) {
    throw new LemmingError(
      'org-exists',
      `${root} already holds an org (${found.map((folder) => `${folder}/`).join(', ')} there); an import never writes over one: import into a new folder, e.g. --root ${join(dirname(root), `${basename(root)}-imported`)}`,
      { exitCode: EXIT.usage },
    );
  }
  if (existsSync(root) && !statSync(root).isDirectory()) throw new LemmingError('no-root', `${root}: is a file, not a folder; --root takes the folder the org is made in`, { exitCode: EXIT.usage });
}

/** The bytes free for an unprivileged writer on the disk that holds `folder`. */
function roomAt(folder: string): number {
  try {
    const counts = statfsSync(folder);
    return counts.bavail * counts.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Read every entry's header (no file is written): the manifest, and the first entry an import must
 * not write. What the archive unpacks to (its manifest's `bytes`, from lemming 0.2, and the entries'
 * sizes as they are read) must fit `room`, the disk's: past it the reading stops there and the
 * archive is refused, so a bomb costs no more than what would fit.
 */
async function checkArchive(archive: string, room: number): Promise<ExportManifest> {
  if (!existsSync(archive)) throw new LemmingError('no-archive', `${archive}: there is no such file; give the .tar.gz that \`lemming export\` or \`lemming backup\` wrote`, { exitCode: EXIT.usage });
  let manifestText: string | undefined;
  let manifest: ExportManifest | undefined;
  let problem: string | undefined;
  let unpacked = 0;
  const parser = new Parser({
    strict: true,
    maxDecompressionRatio: Number.POSITIVE_INFINITY,
    onReadEntry: (entry) => {
      const what = entryProblem(entry.path, entry.type);
      if (what !== undefined && problem === undefined) problem = `its entry "${entry.path}" ${what}`;
      if (entry.path === HISTORY_BUNDLE_NAME && entry.size > HISTORY_LIMITS.bundleBytes && problem === undefined) {
        problem = `its ${HISTORY_BUNDLE_NAME} is ${showSize(entry.size)}, more than the ${showSize(HISTORY_LIMITS.bundleBytes)} a history may have`;
      }
      if (entry.path !== MANIFEST_NAME && entry.path !== HISTORY_BUNDLE_NAME) unpacked += entry.size;
      // What the manifest says the files hold, as soon as it is read; what the entries say, as they are.
      const needs = Math.max(unpacked, manifest?.bytes ?? 0);
      if (problem === undefined && needs > room) problem = `it unpacks to ${showSize(needs)} or more, and the disk it would be imported to has ${showSize(room)} free`;
      if (problem !== undefined) {
        parser.abort(new Error(problem));
        entry.resume();
        return;
      }
      if (entry.path === MANIFEST_NAME) {
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => {
          manifestText = Buffer.concat(chunks).toString('utf8');
          try {
            manifest = parseManifest(manifestText, archive);
          } catch {
            // Said below, once the whole archive is read.
          }
        });
      } else {
        entry.resume();
      }
    },
  });
  // node-tar passes over an entry of a kind it does not unpack (a GNU sparse file, a tape header) without
  // a word, and never to onReadEntry: held to the same rule, so an import never leaves a file out unsaid.
  parser.on('ignoredEntry', (entry: ReadEntry) => {
    const what = entryProblem(entry.path, entry.type) ?? `is a ${entry.type}, not a file or a folder`;
    if (problem === undefined) problem = `its entry "${entry.path}" ${what}`;
    parser.abort(new Error(problem));
  });
  const stream = createReadStream(archive, { highWaterMark: ARCHIVE_READ_BYTES });
  try {
    await new Promise<void>((done, failed) => {
      parser.on('end', () => done());
      parser.on('error', failed);
      parser.on('abort', (error: Error) => failed(error));
      stream.on('error', failed);
      stream.pipe(parser);
    });
  } catch (error) {
    if (problem === undefined) throw badArchive(archive, `is not a whole gzip-compressed tar archive (${(error as Error).message})`);
  } finally {
    stream.destroy();
  }
  if (problem !== undefined) throw badArchive(archive, `${problem}; nothing was imported`);
  if (manifestText === undefined) throw badArchive(archive, `has no ${MANIFEST_NAME}, so it was not written by \`lemming export\``);
  return manifest ?? parseManifest(manifestText, archive);
}

function badArchive(archive: string, what: string): LemmingError {
  return new LemmingError('bad-archive', `${archive}: ${what}; \`lemming export FILE.tar.gz\` writes an archive that imports`, { exitCode: EXIT.usage });
}

