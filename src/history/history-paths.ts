import { join } from 'node:path';
import { ORG_FOLDERS } from '../org/walk-org.js';
import type { GitPlace } from './git.js';

/** The folders an org is made of (org/walk-org.ts): what the history records. */
export const RECORDED_FOLDERS = ORG_FOLDERS;

/** The branch every entry is on. */
export const HISTORY_REF = 'refs/heads/main';

/**
 * Where an org's history lies: a bare git repository in its state folder, machine-local like the
 * cache (org/state/.gitignore leaves it out of the org's own commits and of exports), so a git
 * repository the org's folder belongs to is never read or written. Entries are written by `git
 * fast-import` from the files lemming read (record-entry.ts): git is given no work tree.
 */
export function historyPlace(root: string): Required<Pick<GitPlace, 'gitDir'>> {
  return { gitDir: join(root, 'org', 'state', 'history.git') };
}
