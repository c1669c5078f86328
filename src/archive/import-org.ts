import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { extract, list, type ReadEntry } from 'tar';
import { LemmingError } from '../errors.js';
import { loadState } from '../engine/record/engine-state.js';
import { statePaths } from '../engine/record/state-paths.js';
import { entryProblem, permissionsOnly } from './archive-entries.js';
import { HISTORY_BUNDLE_NAME, MANIFEST_NAME, parseManifest, type ExportManifest } from './manifest.js';
import { ORG_FOLDERS } from './org-files.js';
import { HISTORY_LIMITS } from '../history/history-limits.js';
import { showSize } from '../format/format.js';

/** What an import made. */
export interface ImportReport {
  root: string;
  manifest: ExportManifest;
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
 */
export async function importOrg(file: string, root: string): Promise<ImportReport> {
  const archive = resolve(file);
  refuseExistingOrg(root);
  const manifest = await checkArchive(archive);
  const parent = dirname(root);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(root)}.lemming-import-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    let files = 0;
    await extract({
      file: archive,
      cwd: staging,
      strict: true,
      // Owned by whoever imports, never by the uid the archive names (node-tar keeps it when run as root).
      preserveOwner: false,
      // Checked already; checked again here, so nothing that slipped past could be written. An
      // entry let through is written with its permission bits only (node-tar writes the mode it
      // reads from the entry, setuid, setgid and sticky bits included).
      filter: (path, entry) => {
        const read = entry as ReadEntry;
        if (entryProblem(path, read.type) !== undefined) return false;
        if (read.mode !== undefined) read.mode = permissionsOnly(read.mode);
        return true;
      },
      onReadEntry: (entry) => {
        if (entry.type !== 'Directory' && entry.path !== MANIFEST_NAME && entry.path !== HISTORY_BUNDLE_NAME) files += 1;
      },
    });
    rmSync(join(staging, MANIFEST_NAME), { force: true });
    if (!existsSync(join(staging, 'org', 'org.yaml'))) throw badArchive(archive, 'holds no org/org.yaml, so no org');
    // The record must read; an engine opened on it checks the rest (the ledger, what was taken in).
    loadState(statePaths(staging).state);
    const bundle = join(staging, HISTORY_BUNDLE_NAME);
    let history: ImportReport['history'];
    if (existsSync(bundle)) {
      // Loaded only for an archive that carries a history.
      const { restoreHistoryBundle } = await import('../history/history-bundle.js');
      history = await restoreHistoryBundle(bundle, staging, archive);
      rmSync(bundle, { force: true });
    }
    moveInto(staging, root);
    return { root, manifest, files, ...(history === undefined ? {} : { history }) };
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
      { exitCode: 2 },
    );
  }
  if (existsSync(root) && !statSync(root).isDirectory()) throw new LemmingError('no-root', `${root}: is a file, not a folder; --root takes the folder the org is made in`, { exitCode: 2 });
}

/** Read every entry's header (no file is written): the manifest, and the first entry an import must not write. */
async function checkArchive(archive: string): Promise<ExportManifest> {
  if (!existsSync(archive)) throw new LemmingError('no-archive', `${archive}: there is no such file; give the .tar.gz that \`lemming export\` or \`lemming backup\` wrote`, { exitCode: 2 });
  let manifestText: string | undefined;
  let problem: string | undefined;
  try {
    await list({
      file: archive,
      strict: true,
      onReadEntry: (entry) => {
        const what = entryProblem(entry.path, entry.type);
        if (what !== undefined && problem === undefined) problem = `its entry "${entry.path}" ${what}`;
        if (entry.path === HISTORY_BUNDLE_NAME && entry.size > HISTORY_LIMITS.bundleBytes && problem === undefined) {
          problem = `its ${HISTORY_BUNDLE_NAME} is ${showSize(entry.size)}, more than the ${showSize(HISTORY_LIMITS.bundleBytes)} a history may have`;
        }
        if (entry.path === MANIFEST_NAME) {
          const chunks: Buffer[] = [];
          entry.on('data', (chunk: Buffer) => chunks.push(chunk));
          entry.on('end', () => {
            manifestText = Buffer.concat(chunks).toString('utf8');
          });
        } else {
          entry.resume();
        }
      },
    });
  } catch (error) {
    throw badArchive(archive, `is not a whole gzip-compressed tar archive (${(error as Error).message})`);
  }
  if (problem !== undefined) throw badArchive(archive, `${problem}; nothing was imported`);
  if (manifestText === undefined) throw badArchive(archive, `has no ${MANIFEST_NAME}, so it was not written by \`lemming export\``);
  return parseManifest(manifestText, archive);
}

function badArchive(archive: string, what: string): LemmingError {
  return new LemmingError('bad-archive', `${archive}: ${what}; \`lemming export FILE.tar.gz\` writes an archive that imports`, { exitCode: 2 });
}

/** Move the unpacked org into its root: the whole folder when the root is new, its folders when it exists (empty of an org). */
function moveInto(staging: string, root: string): void {
  if (!existsSync(root)) {
    renameSync(staging, root);
    return;
  }
  for (const name of readdirSync(staging)) renameSync(join(staging, name), join(root, name));
}
