import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../errors.js';
import { environment as processEnvironment } from '../invocation.js';
import { HISTORY_REF } from './history-paths.js';

/**
 * The `git` program, run on an org's history store and nothing else: the git directory, the work
 * tree and the index are given in the environment, so git never looks for (or touches) a repository
 * the org's folder may itself be part of, and the person's own git settings (a global excludes file,
 * signing, hooks paths, `GIT_DIR` set by a hook that runs lemming) change nothing here.
 */
export interface GitPlace {
  /** The bare repository (`org/state/history.git`). */
  gitDir: string;
  /** The folder whose files are recorded: the org root (absent for commands that only read objects). */
  workTree?: string;
  /** The index used to stage an entry; absent for commands that need none. */
  indexFile?: string;
}

/** The environment git runs with: the person's git variables removed, ours set. */
export function gitEnvironment(place: GitPlace): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(processEnvironment())) if (!key.startsWith('GIT_')) environment[key] = value;
  return {
    ...environment,
    GIT_DIR: place.gitDir,
    ...(place.workTree ? { GIT_WORK_TREE: place.workTree } : {}),
    ...(place.indexFile ? { GIT_INDEX_FILE: place.indexFile } : {}),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'lemming',
    GIT_AUTHOR_EMAIL: 'lemming@localhost',
    GIT_COMMITTER_NAME: 'lemming',
    GIT_COMMITTER_EMAIL: 'lemming@localhost',
    LC_ALL: 'C',
    // glibc gives memory back after each object git compresses (zlib's buffers sit at the heap's top):
    // at hundreds of objects an entry, that churn was most of git's time. A heap padded by a few MB keeps them.
    GLIBC_TUNABLES: [processEnvironment().GLIBC_TUNABLES, 'glibc.malloc.top_pad=8388608:glibc.malloc.trim_threshold=16777216'].filter(Boolean).join(':'),
  };
}

/**
 * The files of a history store that git opens by name whenever it runs there, with what a valid one
 * holds. git opens each without asking what it is: a named pipe in its place (a hand edit, a hostile
 * workspace's neighbour) made `git rev-parse` wait for a writer that never came, and `lemming run`
 * with it, in silence.
 */
const READ_BY_GIT: ReadonlyArray<{ path: string; valid: string }> = [
  { path: 'HEAD', valid: '"ref: refs/heads/main"' },
  { path: 'config', valid: 'the settings `git init --bare` writes' },
  { path: 'packed-refs', valid: 'the refs git packed, a line each' },
  { path: HISTORY_REF, valid: "the commit id of the history's last entry (40 hex digits)" },
  { path: 'shallow', valid: 'commit ids, a line each' },
  { path: 'commondir', valid: 'a folder path' },
  { path: 'info/grafts', valid: 'commit ids, a line each' },
  { path: 'objects/info/alternates', valid: 'object folders, a line each' },
];

/** What a file that is not a regular one is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * Refuse a store where a file git opens by name is there and is not a regular file: git would wait on a
 * pipe or a device for ever, or follow a link out of the store. A few lstat calls, before every git
 * run on the store (git, gitSync and fast-import.ts). Throws a `history-store` error naming the file and what it
 * should hold.
 */
export function refuseOddStoreFiles(gitDir: string): void {
  for (const { path, valid } of READ_BY_GIT) {
    const file = join(gitDir, path);
    let stats: Stats;
    try {
      stats = lstatSync(file);
    } catch {
      continue;
    }
    if (stats.isFile()) continue;
    throw new LemmingError('history-store', `${file} is ${kindOf(stats)}, not a regular file: git would wait on it or follow it, so the history is not read or written. It should be a regular file holding ${valid}; remove it or put one back`);
  }
}

/** A git command that failed: its words, with what git said. */
export class GitError extends LemmingError {
  constructor(args: readonly string[], status: number | null, stderr: string) {
    super('history-git', `git ${args.join(' ')} failed (${status === null ? 'killed' : `exit ${status}`}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
    this.name = 'GitError';
  }
}

/**
 * Run git and return what it printed; throws GitError when it fails. `input` goes to its standard
 * input; `descriptors` are given to it as 3, 4, … (a file lemming opened, for git to read as /dev/fd/3).
 */
export function git(place: GitPlace, args: readonly string[], input?: string | Buffer, descriptors: readonly number[] = []): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    refuseOddStoreFiles(place.gitDir);
    const child = spawn('git', args, { env: gitEnvironment(place), stdio: ['pipe', 'pipe', 'pipe', ...descriptors] }) as ChildProcessWithoutNullStreams;
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(Buffer.concat(out)) : reject(new GitError(args, status, stderr))));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** The same, synchronously, for the commands that read the history (`history`, `show --at`, `fork`). */
export function gitSync(place: GitPlace, args: readonly string[], input?: string): Buffer {
  refuseOddStoreFiles(place.gitDir);
  const result = spawnSync('git', args, { env: gitEnvironment(place), input: input ?? '', maxBuffer: 1024 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new GitError(args, result.status, result.stderr.toString('utf8'));
  return result.stdout;
}

/** The last answer of gitAvailable, with the PATH it was found on (a command run in-process may be given another). */
let available: { path: string | undefined; found: boolean } | undefined;

/** Whether a `git` program can be run here (asked once per process, and again for another PATH). */
export function gitAvailable(): boolean {
  const path = processEnvironment().PATH;
  if (available?.path !== path || available === undefined) {
    const result = spawnSync('git', ['--version'], { env: gitEnvironment({ gitDir: '/nonexistent' }), encoding: 'utf8' });
    available = { path, found: result.status === 0 && result.stdout.startsWith('git version') };
  }
  return available.found;
}

/** Said once a run when the org keeps a history and git cannot be run. */
export const NO_GIT_WARNING = 'history is off: the `git` program was not found on PATH (install git, or set `history: { keep: false }` in org/org.yaml to say so)';
