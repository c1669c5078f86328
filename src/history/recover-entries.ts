import { dropSpooled, spooledEntries, unspool, type SpooledEntry } from './entry-spool.js';
import { importerAfterKill, type FastImport } from './fast-import.js';
import type { GitPlace } from './git.js';
import { commitText, headCommit } from './record-entry.js';

/**
 * Write the entries a killed run had given git and git had not written (entry-spool.ts), oldest
 * first, each as it was read: before the next run looks at its history, so no turn goes missing.
 * Those git wrote already (killed before the run read its answers) end at the branch's last entry,
 * found by its message and time (two entries may share a message): they and those before them are
 * not written again. An entry whose parent is not the branch's last entry (the history went another
 * way since: pruned, or written by another copy) is dropped with those after it: the next entry then
 * holds their changes, recorded late as after a kill before an entry began. Returns how many were written.
 */
export async function recoverSpooled(place: GitPlace): Promise<number> {
  const entries = spooledEntries(place.gitDir);
  if (entries.length === 0) return 0;
  const last = await lastEntry(place);
  let done = -1;
  if (last) for (let index = entries.length - 1; index >= 0 && done < 0; index -= 1) if (isEntry(entries[index] as SpooledEntry, last)) done = index;
  for (const entry of entries.slice(0, done + 1)) unspool(entry.path);
  let importer: FastImport | undefined;
  let written = 0;
  try {
    for (const entry of entries.slice(done + 1)) {
      const head = await lastEntry(place);
      const parent = entry.header.parent;
      const fits = parent === undefined ? head === undefined : 'commit' in parent ? head?.commit === parent.commit : head?.message === parent.message;
      if (!fits) {
        dropSpooled(place.gitDir);
        break;
      }
      if (!importer) {
        importer = importerAfterKill(place);
      }
      // Each on the branch before the next is looked for there.
      await importer.commit(head?.commit, entry.header.message, [entry.changes], new Date(entry.header.when), { checkpoint: true }).commit;
      unspool(entry.path);
      written += 1;
    }
  } finally {
    // Git moves the branch once more as it stops: the session's own fast-import starts after.
    await importer?.close();
  }
  return written;
}

/** The branch's last entry: its commit, message and time (in seconds, as git keeps it); undefined before the first. */
async function lastEntry(place: GitPlace): Promise<{ commit: string; message: string; seconds: number } | undefined> {
  const commit = await headCommit(place);
  if (commit === undefined) return undefined;
  const text = await commitText(place, commit);
  const seconds = Number(/^committer .* (\d+) [+-]\d{4}$/m.exec(text.slice(0, text.indexOf('\n\n')))?.[1]);
  return { commit, message: text.slice(text.indexOf('\n\n') + 2), seconds };
}

/** Whether the kept entry is the one git wrote as `last` (fast-import.ts keeps an entry's time to the second). */
function isEntry(entry: SpooledEntry, last: { message: string; seconds: number }): boolean {
  return entry.header.message === last.message && Math.floor(entry.header.when / 1000) === last.seconds;
}
