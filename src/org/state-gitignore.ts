import { writeFileAtomic } from '../storage/atomic-write.js';
import { join } from 'node:path';
import { readOwnFile } from '../storage/read-own-file.js';

/** `org/state/.gitignore`: commit the org's record, leave out what belongs to one machine. */
export const STATE_GITIGNORE = [
  '# Written by lemming. The rest of org/state is the org\'s record: commit it with the org,',
  '# and a clone or a copy continues exactly where the org was. These belong to one machine:',
  'lock',
  'lock.*',
  'journal.jsonl',
  'cache/',
  '*.tmp',
  '# The history of every turn (docs/history.md): a git repository of its own, kept on this machine.',
  'history.git/',
  '',
].join('\n');

/**
 * What lemming wrote there before, replaced when found: the first left the whole record out of commits
 * (so a clone started from nothing); the second did not know of the history, which a commit would then carry.
 */
const OLD_STATE_GITIGNORES = [
  "# The engine's own files: not for hand edits or commits.\n*\n",
  STATE_GITIGNORE.split('\n').filter((line) => !line.startsWith('# The history') && line !== 'history.git/').join('\n'),
];

/**
 * Write `org/state/.gitignore` when it is missing, or when it is the one earlier versions
 * wrote (which left the whole record out of commits, so a clone started from nothing).
 * A file a person changed is left alone. Returns true when it wrote the file.
 */
export function ensureStateGitignore(root: string): boolean {
  const directory = join(root, 'org', 'state');
  const path = join(directory, '.gitignore');
  const read = readOwnFile(path);
  // Something else in its place (a folder, a pipe, a link) is left alone too, and not waited on.
  if ('problem' in read) return false;
  if ('bytes' in read && !OLD_STATE_GITIGNORES.includes(read.bytes.toString('utf8'))) return false;
  try {
    writeFileAtomic(path, STATE_GITIGNORE);
    return true;
  } catch {
    // A read-only org runs without it; only commits are affected.
    return false;
  }
}

/**
 * Whether a name directly under `org/state/` is machine-local, by the patterns of STATE_GITIGNORE
 * (the one list of them): an exact name, a trailing `*`, a leading `*`, or a folder (`cache/`).
 * What commits leave out, an export leaves out too. Pure.
 */
export function isMachineLocalState(name: string, isDirectory: boolean): boolean {
  return STATE_PATTERNS.some((pattern) => {
    const folder = pattern.endsWith('/');
    const glob = folder ? pattern.slice(0, -1) : pattern;
    if (folder && !isDirectory) return false;
    if (glob.startsWith('*')) return name.endsWith(glob.slice(1));
    if (glob.endsWith('*')) return name.startsWith(glob.slice(0, -1));
    return name === glob;
  });
}

/** The patterns of STATE_GITIGNORE, without its comments: the history's store leaves out what they name (history/history-paths.ts). */
export const STATE_PATTERNS = STATE_GITIGNORE.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
