import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_PATTERNS } from '../org/state-gitignore.js';
import type { GitPlace } from './git.js';

/** The folders an org is made of, as an export counts them (archive/org-files.ts): what the history records. */
export const RECORDED_FOLDERS = ['org', 'agents', 'workspace'] as const;

/** The branch every entry is on. */
export const HISTORY_REF = 'refs/heads/main';

/**
 * Where an org's history lies: a bare git repository in its state folder, machine-local like the
 * cache (org/state/.gitignore leaves it out of the org's own commits and of exports), with an index
 * of its own there, so a git repository the org's folder belongs to is never read or written.
 */
export function historyPlace(root: string): Required<GitPlace> {
  const gitDir = join(root, 'org', 'state', 'history.git');
  return { gitDir, workTree: root, indexFile: join(gitDir, 'lemming-index') };
}

/**
 * What `git add` is given, for the org's folders that exist (and those that do not, to drop): the org's folders, less what an export leaves out too: the machine-local
 * state (by org/state/.gitignore's patterns: the lock, the turn journal, caches, this store itself),
 * the secret files (`.env`, `.env.*`) and lemming's temporaries, wherever they are. `--force` is
 * given with them, so a `.gitignore` a person or an agent left in the org changes nothing.
 */
export function recordedPathspecs(root: string): { present: string[]; missing: string[] } {
  const state = STATE_PATTERNS.map((pattern) =>
    pattern.endsWith('/') ? `:(exclude)org/state/${pattern.slice(0, -1)}` : pattern.includes('*') ? `:(exclude,glob)org/state/${pattern}` : `:(exclude)org/state/${pattern}`,
  );
  const excluded = [...state, ':(exclude,glob)**/.env', ':(exclude,glob)**/.env.*', ':(exclude,glob)**/.*.lemming-*.tmp'];
  // git refuses a pathspec that matches nothing: a folder the org lacks (often `workspace/`) is dropped from the index instead.
  const present = RECORDED_FOLDERS.filter((folder) => existsSync(join(root, folder)));
  const missing = RECORDED_FOLDERS.filter((folder) => !present.includes(folder));
  return { present: present.length === 0 ? [] : [...present, ...excluded], missing };
}
