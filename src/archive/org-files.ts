import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ORG_FOLDERS, walkOrg, type LeftOut, type OrgFile, type WorkspaceLimitsOf } from '../org/walk-org.js';
import { closeQuietly } from '../sandbox/beneath/open-beneath.js';
import { secretCutter } from '../secrets/secret-stream.js';
import { copyFilePieces } from '../storage/copy-file.js';
import type { WorkProgress } from '../work-progress.js';
import { PERMISSION_BITS } from './archive-entries.js';

export { ORG_FOLDERS };

/** What goes into an export: paths relative to the root, with `/`, sorted; what was left out and why (org/walk-org.ts). */
export interface OrgFileList {
  files: string[];
  /** Their bytes together: what the archive unpacks to. */
  bytes: number;
  leftOut: LeftOut[];
  /** How many were left out in all (`leftOut` names the first of them). */
  leftOutCount: number;
}

/**
 * Copy every file of the org under `root` that an export carries into `staging`, at the same paths:
 * the files of the one walk of the org (org/walk-org.ts: its folders, without secrets, machine-local
 * state or temporaries, no link or anything but regular files, each workspace within its bounds).
 * Each is read a piece at a time from its folder as the walk holds it (no link followed), its known
 * secrets cut (secrets/secret-stream.ts), with its permission bits and no more, and sparse where it
 * has holes (storage/copy-file.ts): memory does not grow with a file, and a file of zeros takes no
 * disk in the copy. Returns the list, and the files in which a secret was cut. `keep`, when given,
 * says which of the walk's files are copied (the others are not in the list).
 */
export function copyOrgFiles(root: string, staging: string, limitsOf: WorkspaceLimitsOf, progress?: WorkProgress, keep?: (path: string) => boolean): { list: OrgFileList; cut: string[] } {
  const files: string[] = [];
  const cut: string[] = [];
  let bytes = 0;
  const walked = walkOrg(root, limitsOf, (file) => {
    // A file the copy's user reads from the org itself (a dry run's resumes) is neither opened nor copied.
    if (keep && !keep(file.path)) return;
    const copied = copyOne(file, join(staging, file.path));
    if (copied === undefined) return;
    files.push(file.path);
    progress?.("copying the org's files", files.length);
    bytes += copied.bytes;
    if (copied.cut) cut.push(file.path);
  });
  files.sort();
  cut.sort();
  return { list: { files, bytes, leftOut: walked.leftOut, leftOutCount: walked.leftOutCount }, cut };
}

/** One file, opened as the walk met it; undefined when it is gone or no longer a regular file. */
function copyOne(file: OrgFile, to: string): { bytes: number; cut: boolean } | undefined {
  const opened = file.open();
  if ('code' in opened) return undefined;
  try {
    mkdirSync(dirname(to), { recursive: true });
    const cutter = secretCutter();
    return copyFilePieces(opened.fd, to, { length: opened.bytes, mode: file.stat.mode & PERMISSION_BITS, ...(cutter ? { cutter } : {}) });
  } finally {
    closeQuietly(opened.fd);
  }
}
