import { isMachineLocalState } from '../org/state-gitignore.js';
import { gitSync } from './git.js';
import { orgPath } from './stored-path.js';
import { HISTORY_REF } from './history-paths.js';
import { entryByteLimit, entryLimitText, HISTORY_LIMITS } from './history-limits.js';
import { showSize } from '../format/format.js';

/** The folders every entry's files lie under (the org's, as history-paths.ts records them). */
const ORG_FOLDERS = new Set(['org', 'agents', 'workspace']);

/** The modes a file of an entry may have: a plain file, an executable one, or gone (a deletion). */
const SAFE_MODES = new Set(['100644', '100755', '000000']);

const MODE_NAMES: Record<string, string> = { '120000': 'a symlink', '160000': 'a gitlink (a submodule)', '040000': 'a folder given as a file' };

/**
 * What in a history store would be unsafe to write out as an org (by `fork --at`, `diff --turns`,
 * an experiment from a fork point), a line each, or none: an entry holding a symlink (a fork would
 * write a link the engine then follows out of the org) or a gitlink, a file outside the org's
 * folders or in the engine's machine-local state (a tree holding `org/state/history.git/config`
 * would give a fork a store whose config runs programs), a merge (a lemming history is one line of
 * entries, and a merge's files are not listed by the walk below), more entries than
 * HISTORY_LIMITS.entries, or an entry whose files together hold more than `entryByteLimit(orgBytes)`
 * (history-limits.ts: a fork at that turn would write them all). git itself guarantees the rest
 * once objects are checked as they are fetched (transfer.fsckObjects: no `..`, no `.git` in a path,
 * no malformed object), and its modes have no setuid bit to carry. One pass of `git log --raw`
 * over the branch, oldest first: each file an entry adds, changes or deletes, with its mode and
 * object, so each entry's size is the one before's plus what it changed. Used by `export --history`
 * (so a history that would be refused is refused where it is made) and by `import` (where it is
 * outside bytes). `orgBytes`: the org's own files, as exported.
 */
export function unsafeHistoryContent(gitDir: string, orgBytes: number, limit = 5): string[] {
  const place = { gitDir };
  const problems: string[] = [];
  const count = Number(gitSync(place, ['rev-list', '--count', HISTORY_REF]).toString('utf8').trim());
  if (count > HISTORY_LIMITS.entries) return [`it has ${count} entries, more than the ${HISTORY_LIMITS.entries} a history may have`];
  const merges = gitSync(place, ['rev-list', '--merges', '--max-count=1', HISTORY_REF]).toString('utf8').trim();
  if (merges !== '') problems.push(`entry ${merges.slice(0, 7)} is a merge; a lemming history is one line of entries`);
  const sizes = blobSizes(gitDir);
  const most = entryByteLimit(orgBytes);
  const held = new Map<string, number>();
  let total = 0;
  let commit = '';
  const checkSize = (): void => {
    if (commit !== '' && total > most && problems.length < limit) {
      problems.push(`entry ${commit.slice(0, 7)} holds ${showSize(total)} of files, more than an entry may: ${entryLimitText(orgBytes)}`);
    }
  };
  const raw = gitSync(place, ['log', '--reverse', '--format=%H', '--raw', '--no-abbrev', '--root', '--no-renames', '-z', HISTORY_REF]).toString('utf8').split('\0');
  for (let index = 0; index < raw.length && problems.length < limit; index += 1) {
    const token = (raw[index] as string).replace(/^\n/, '');
    if (/^[0-9a-f]{40,64}$/.test(token)) {
      checkSize();
      commit = token;
      continue;
    }
    if (!token.startsWith(':')) continue;
    // `:<old mode> <new mode> <old object> <new object> <status>`, then the path.
    const [, mode = '', , object = ''] = token.slice(1).split(' ');
    const path = raw[index + 1] ?? '';
    index += 1;
    total -= held.get(path) ?? 0;
    const size = mode === '000000' ? 0 : (sizes.get(object) ?? 0);
    if (size > 0) held.set(path, size);
    else held.delete(path);
    total += size;
    // Judged where a fork would write it, in the org (a numbered file is kept under the folder of numbers: stored-path.ts).
    const inOrg = orgPath(path);
    const where = `${inOrg} (entry ${commit.slice(0, 7)})`;
    if (!SAFE_MODES.has(mode)) problems.push(`${where} is ${MODE_NAMES[mode] ?? `of mode ${mode}`}, not a plain file`);
    else if (!ORG_FOLDERS.has(inOrg.split('/')[0] ?? '')) problems.push(`${where} is outside the org's folders (org/, agents/, workspace/)`);
    else if (machineLocal(inOrg)) problems.push(`${where} is machine-local state, which no entry records (a fork would write it where the engine reads its own store)`);
  }
  checkSize();
  return problems;
}

/** Every blob's size, by id (`git cat-file --batch-all-objects --batch-check`: headers only, nothing inflated). */
function blobSizes(gitDir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  const lines = gitSync({ gitDir }, ['cat-file', '--batch-all-objects', '--unordered', '--batch-check=%(objectname) %(objecttype) %(objectsize)']).toString('utf8').split('\n');
  for (const line of lines) {
    const [id, type, size] = line.split(' ');
    if (type === 'blob' && id) sizes.set(id, Number(size));
  }
  return sizes;
}

/** `org/state/NAME/…` where NAME is machine-local (org/state/.gitignore: the lock, the journal, `cache/`, `history.git/`). */
function machineLocal(path: string): boolean {
  const parts = path.split('/');
  return parts[0] === 'org' && parts[1] === 'state' && parts[2] !== undefined && isMachineLocalState(parts[2], parts.length > 3);
}
