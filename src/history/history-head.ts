import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, type GitPlace } from './git.js';
import { HISTORY_REF } from './history-paths.js';

/** The branch's commit, or undefined before the first entry. */
export async function headCommit(place: GitPlace): Promise<string | undefined> {
  const loose = join(place.gitDir, HISTORY_REF);
  if (existsSync(loose)) {
    const text = readFileSync(loose, 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(text)) return text;
  }
  try {
    return (await git({ gitDir: place.gitDir }, ['rev-parse', '-q', '--verify', `${HISTORY_REF}^{commit}`])).toString('utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A commit's message (what follows its header). */
export async function commitMessage(place: GitPlace, commit: string): Promise<string> {
  const text = (await git({ gitDir: place.gitDir }, ['cat-file', 'commit', commit])).toString('utf8');
  return text.slice(text.indexOf('\n\n') + 2);
}
