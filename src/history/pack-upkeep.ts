import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GitPlace } from './git.js';
import type { FastImport } from './fast-import.js';
import type { GivenEntry } from './given-entries.js';

/**
 * The most packs a history's git looks a new object up in before they are made fewer. `git
 * fast-import` checks each object it stores against every pack of the store (is it there already?),
 * and each of its checkpoints leaves one more pack (given-entries.ts), as does every run: over a long
 * life an entry came to cost git more each time (from 23 to 55 ms of CPU an entry over 400 turns at
 * 200 agents, in runs of 4 turns).
 */
export const MOST_PACKS = 24;

/** How many packs the store holds. */
export function packsIn(gitDir: string): number {
  try {
    return readdirSync(join(gitDir, 'objects', 'pack')).filter((name) => name.endsWith('.pack')).length;
  } catch {
    return 0;
  }
}

/** What of a history's writer (record-entry.ts EntrySession) the upkeep looks after. */
export interface UpkeptSession {
  importer?: FastImport;
  given?: GivenEntry[];
  pending?: Promise<void>;
  /** The packs being made fewer, in the background. */
  consolidating?: Promise<void>;
  /** A git whose packs were made fewer since it started: the next entry is given to a new one, which looks in fewer. */
  retire?: FastImport;
}

/**
 * After an entry is given: when git looks in more than MOST_PACKS packs, merge the smaller ones in
 * the background, as `git repack --geometric=2` chooses them (each pack at least twice the size of the
 * ones merged into it, so an object is copied a few times over the store's life; copied as stored, no
 * delta searched) but by their objects' list (pack-merge.ts), while git goes on taking entries; a
 * failure changes nothing. Late in a long run `git repack` itself cost more CPU than the entries (13 s
 * over 1,000 turns of 200 agents against fast-import's 25), and a run it overlapped 1.65× one it did not.
 */
export function keepPacksFew(place: GitPlace, session: UpkeptSession): void {
  const importer = session.importer;
  if (!importer || session.consolidating || session.retire === importer) return;
  if (importer.packsAtStart + importer.checkpointsDone <= MOST_PACKS) return;
  // Loaded when first needed: a run of a few turns never merges, and `run-once` loads only what its turn uses.
  session.consolidating = import('./pack-merge.js').then(({ mergePacks }) => mergePacks(place)).then(
    () => {
      session.retire = importer;
    },
    () => undefined,
  );
  void session.consolidating.finally(() => {
    session.consolidating = undefined;
  });
}

/**
 * Before an entry is given: once the packs were made fewer, the git that started before stops (when
 * it holds no entry not yet on the branch), so a new one, which looks in the fewer packs, takes the
 * entry. Returns once the old one has exited.
 */
export async function retireWhenDue(session: UpkeptSession): Promise<void> {
  const importer = session.importer;
  if (!importer || session.retire !== importer || (session.given?.length ?? 0) > 0) return;
  await session.pending;
  if (session.importer !== importer || (session.given?.length ?? 0) > 0) return;
  session.importer = undefined;
  session.retire = undefined;
  await importer.close();
}
