import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { searchIndexPath } from '../../src/web/search/saved-index.js';
import { defaultOrg, humanSends, write } from '../helpers/temp-org.js';

/**
 * Hold the dashboard's message index at its very first step, a real one: its saved file
 * (org/state/cache/search-index.json) is made a named pipe, so the watch thread's read of it waits
 * until `release` writes to the pipe and closes it. Nothing in lemming is replaced: it reads a file
 * that is slow to come, as on a slow or remote disk. Released with nothing written, the saved index
 * reads as unreadable and the index is built from the outboxes, as on a first start.
 */
export function holdIndex(root: string): { release(saved?: string): Promise<void> } {
  const pipe = searchIndexPath(root);
  mkdirSync(dirname(pipe), { recursive: true });
  execFileSync('mkfifo', [pipe]);
  let released = false;
  return {
    async release(saved = '') {
      if (released) return;
      released = true;
      // Opened without blocking, which works once the thread has the pipe open to read (ENXIO until then).
      for (;;) {
        let descriptor: number;
        try {
          descriptor = openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        try {
          if (saved !== '') writeSync(descriptor, saved);
        } finally {
          closeSync(descriptor);
        }
        return;
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
