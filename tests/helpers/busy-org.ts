import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOrg } from '../../bench/build-org.js';
import { tempDir } from './org-files.js';

/**
 * An org of `agents` agents on the offline model, each with a letter waiting and a schedule that
 * calls it every turn: `run --keep-going` stays busy for as many turns as it is given. With
 * `history`, that many messages already sent, one from each agent a turn (bench/build-org.ts): the
 * org starts at a later turn.
 */
export function busyOrg(agents: number, history = 0): string {
  const root = tempDir('lemming-busy-');
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
