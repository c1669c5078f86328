import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { searchIndexPath } from '../../src/web/search/saved-index.js';
import { defaultOrg, humanSends, write } from '../helpers/temp-org.js';

/**
 * Hold the dashboard's message index at its very first step: the index waits to read a named pipe
 * (LEMMING_HOLD_INDEX, web/search/message-index.ts), made in a folder of its own outside the org, until
 * `release` writes to it and closes it. Its saved file is no longer a pipe of the test's: lemming reads
 * no cache from a pipe (a cache replaced by one held the dashboard for good). Released with `saved`,
 * that text is written as the saved index first (org/state/cache/search-index.json), as a start that
 * finds one; with nothing, the index is built from the outboxes, as on a first start. The hold is set
 * for the threads this process starts until it is released.
 */
export function holdIndex(root: string): { release(saved?: string): Promise<void> } {
  const pipe = join(mkdtempSync(join(tmpdir(), 'lemming-hold-')), 'index');
  execFileSync('mkfifo', [pipe]);
  process.env.LEMMING_HOLD_INDEX = pipe;
  let released = false;
  return {
    async release(saved = '') {
      if (released) return;
      released = true;
      if (saved !== '') {
        mkdirSync(dirname(searchIndexPath(root)), { recursive: true });
        writeFileSync(searchIndexPath(root), saved);
      }
      // Opened without blocking, which works once the thread has the pipe open to read (ENXIO until then).
      try {
        for (;;) {
          let descriptor: number;
          try {
            descriptor = openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
            await new Promise((resolve) => setTimeout(resolve, 20));
            continue;
          }
          closeSync(descriptor);
          return;
        }
      } finally {
        if (process.env.LEMMING_HOLD_INDEX === pipe) delete process.env.LEMMING_HOLD_INDEX;
      }
    },
  };
}

/** The default org with a request from the human and the manager's report answering it, its index held (see holdIndex). */
export function answeredOrgWithIndexHeld(): { root: string; hold: ReturnType<typeof holdIndex> } {
  const root = defaultOrg();
  humanSends(root, 'manager', 'Measure the aardvark enclosure', 'Aardvark');
  write(root, 'agents/manager/outbox/000001-001-human.md', '---\nto: human\nsubject: Aardvark report\nreply_to: 000000-human-001\n---\nThe aardvark enclosure is 40 m².\n');
  return { root, hold: holdIndex(root) };
}
