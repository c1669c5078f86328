import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { create } from 'tar';
import { EXIT, LemmingError } from '../errors.js';
import { PIECE } from '../storage/copy-file.js';
import { requireFolderFor } from '../storage/named-destination.js';
import { temporaryPathFor } from '../storage/temporary-files.js';
import { permissionsOnly } from './archive-entries.js';
import { HISTORY_BUNDLE_NAME, MANIFEST_NAME } from './manifest.js';
import { ORG_FOLDERS } from './org-files.js';
import type { WorkProgress } from '../work-progress.js';
import { snapshotOrg, type Snapshot } from './snapshot.js';

/** What an export wrote. */
export interface ExportReport extends Snapshot {
  /** The archive's path. */
  file: string;
}

/**
 * Write the org at `root` as one gzip-compressed tar archive at `file`: its manifest first, then
 * the org's files as `snapshotOrg` copies them (whole turns, no secrets, nothing machine-local),
 * with their permission bits only (no setuid, setgid or sticky bit) and no owner.
 * The archive appears whole or not at all (written beside, then renamed). With `history`, the org's
 * history goes too, as a git bundle beside the manifest (`lemming-history.bundle`).
 */
export async function exportOrg(root: string, file: string, by: 'export' | 'backup' = 'export', options: { history?: boolean; progress?: WorkProgress } = {}): Promise<ExportReport> {
  const target = resolve(file);
  refuseInsideOrg(root, target);
  requireFolderFor('', target);
  const staging = mkdtempSync(join(tmpdir(), 'lemming-export-'));
  try {
    const snapshot = await snapshotOrg(root, staging, by, options);
    const partial = temporaryPathFor(target);
    try {
      let written = 0;
      const folders = ORG_FOLDERS.filter((folder) => existsSync(join(staging, folder)));
      await create(
        {
          gzip: true,
          file: partial,
          cwd: staging,
          // No owner, group or user name in the archive: an import never takes them anyway.
          portable: true,
          // node-tar reads a file into a new buffer of this size for each read (16 MiB unless told):
          // they wait for the collector, three of them at the peak of a 300 MiB file's export (48 MB of
          // a 135-141 MB peak; 120-125 MB with a MiB, the size the staging copy was read in).
          maxReadSize: PIECE,
          // The staging copy has permission bits only (snapshot.ts); a folder made under a setgid
          // TMPDIR would still inherit the bit, so each entry's mode is masked as it is written
          // (node-tar writes the mode of the entry's stat, after this hook).
          onWriteEntry: (entry) => {
            if (entry.stat) entry.stat.mode = permissionsOnly(entry.stat.mode);
            written += 1;
            options.progress?.('writing the archive', written);
          },
        },
        [MANIFEST_NAME, ...(snapshot.manifest.history ? [HISTORY_BUNDLE_NAME] : []), ...folders],
      );
      renameSync(partial, target);
    } finally {
      rmSync(partial, { force: true });
    }
    return { ...snapshot, file: target };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** An archive written into the org's own folders would travel in the next one. */
function refuseInsideOrg(root: string, target: string): void {
  for (const folder of ORG_FOLDERS) {
    const inside = relative(resolve(root, folder), target);
    if (!inside.startsWith('..') && !inside.startsWith(sep) && inside !== '') {
      throw new LemmingError('archive-inside-org', `${target}: an archive inside ${folder}/ would be carried by the next export; write it outside org/, agents/ and workspace/ (e.g. backups/org.tar.gz)`, { exitCode: EXIT.usage });
    }
  }
}
