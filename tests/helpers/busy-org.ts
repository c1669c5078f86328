import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOrg } from '../../bench/build-org.js';
import { tempDir } from './org-files.js';
import { RAM_DISK } from './temp-dirs.js';

/**
 * An org of `agents` agents on the offline model, each with a letter waiting and a schedule that
 * calls it every turn: `run --keep-going` stays busy for as many turns as it is given. With
 * `history`, that many messages already sent, one from each agent a turn (bench/build-org.ts): the
 * org starts at a later turn. On the RAM disk where there is one (or in `parent`): such an org is
 * hundreds to thousands of files, written, run and removed, and what its tests hold is lemming's
 * work on them, not the disk's.
 */
export function busyOrg(agents: number, history = 0, parent = RAM_DISK): string {
  const root = tempDir('lemming-busy-', parent);
  buildOrg(root, { agents, history, withMail: agents });
  for (const name of readdirSync(join(root, 'agents'))) {
    const resume = join(root, 'agents', name, 'resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace(/^credits: (.*)$/m, 'credits: $1\nschedule: { every: 1 }'));
  }
  return root;
}

/** The dashboard's address in `run --serve`'s output. */
export function dashboardBase(output: string): string | undefined {
  return /dashboard: (http:\/\/[^/\s]+)\//.exec(output)?.[1];
}
