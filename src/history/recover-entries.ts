import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { dropSpooled, spooledEntries, unspool } from './entry-spool.js';
import { FastImport } from './fast-import.js';
import type { GitPlace } from './git.js';
import { commitMessage, headCommit } from './record-entry.js';
import { HISTORY_REF } from './history-paths.js';

/**
 * Write the entries a killed run had given git and git had not written (entry-spool.ts), oldest
 * first, each as it was read: before the next run looks at its history, so no turn goes missing.
 * One git wrote already (killed before it answered) is the branch's last entry, and is not written
 * again. An entry whose parent is not the branch's last entry (the history went another way since:
 * pruned, or written by another copy) is dropped with those after it: the next entry then holds
 * their changes, recorded late as after a kill before an entry began. Returns how many were written.
 */
export async function recoverSpooled(place: GitPlace): Promise<number> {
  const entries = spooledEntries(place.gitDir);
  if (entries.length === 0) return 0;
  let importer: FastImport | undefined;
  let written = 0;
  try {
    for (const entry of entries) {
      const head = await headCommit(place);
      const headMessage = head === undefined ? undefined : await commitMessage(place, head);
      if (headMessage === entry.header.message) {
        unspool(entry.path);
        continue;
      }
      const parent = entry.header.parent;
      const fits = parent === undefined ? head === undefined : 'commit' in parent ? head === parent.commit : headMessage === parent.message;
      if (!fits) {
        dropSpooled(place.gitDir);
        break;
      }
      if (!importer) {
        // The dead run's git left its lock if it was killed while it moved the branch: no other writer holds this org's history.
        for (const lock of [join(place.gitDir, `${HISTORY_REF}.lock`), join(place.gitDir, 'HEAD.lock')]) rmSync(lock, { force: true });
        importer = new FastImport(place);
      }
      await importer.commit(head, entry.header.message, [entry.changes], new Date(entry.header.when)).commit;
      unspool(entry.path);
      written += 1;
    }
  } finally {
    importer?.close();
  }
  return written;
}
