import { randomBytes } from 'node:crypto';
import { mkdirSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { EXIT, LemmingError } from '../../errors.js';
import { createFileAtomic } from '../../storage/atomic-write.js';
import { classified } from '../../storage/storage-error.js';
import { isRunning, ownStartTicks } from '../../process-liveness.js';
import { statePaths } from './state-paths.js';
import { readOwnFile, readSavedJson } from '../../storage/read-own-file.js';

/** Lets a thread sleep between looks at a lock (Atomics.wait on a value no one changes). */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

interface LockContent {
  pid: number;
  /**
   * When the holder started, in clock ticks since boot (Linux), so a process that is later
   * given the same pid is not taken for the holder. Absent where there is no /proc, and in
   * locks written before it was kept.
   */
  pidStart?: number;
  host: string;
  token: string;
  command: string;
  started: string;
}

/** Held while an engine works on an org root: one writer at a time. */
export interface OrgLock {
  release(): void;
  /** Whose lock this was, when it was taken over from a process that is gone (a killed engine's): to be said. */
  readonly tookOver?: { pid: number; command: string; started: string };
}

/** Thrown when a live engine holds the org's lock (or it cannot be taken); the CLI exits with code 3. */
export class LockedError extends LemmingError {
  constructor(message: string) {
    super('locked', message, { exitCode: EXIT.locked });
    this.name = 'LockedError';
  }
}

/** Whether the process that wrote the lock still runs (on this host: another host's cannot be asked). */
function isAlive(holder: LockContent): boolean {
  return isRunning(holder.pid, holder.pidStart);
}

function readLock(path: string): LockContent | undefined {
  return readSavedJson<LockContent>(path);
}

/**
 * A lock as recovery reads it: its holder, none there, or a file that is no lock lemming wrote (lemming writes them
 * whole). A folder, a link or a pipe in its place is said, naming it: it is not removed, and no lock can be made there.
 */
function readLockFile(path: string): LockContent | 'absent' | 'unreadable' {
  const read = readOwnFile(path);
  if ('absent' in read) return 'absent';
  if ('problem' in read) throw new LockedError(`${path} ${read.problem}, where lemming keeps a lock: remove it, and try again`);
  try {
    const lock: unknown = JSON.parse(read.bytes.toString('utf8'));
    return typeof lock === 'object' && lock !== null ? (lock as LockContent) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Whether a lock as read is left by a process that is gone (on this host), or is no lock at all. */
function leftBehind(lock: LockContent | 'absent' | 'unreadable', host: string): boolean {
  if (lock === 'absent') return false;
  return lock === 'unreadable' || (lock.host === host && !isAlive(lock));
}

/**
 * Take the org's lock, or fail with a clear reason when a live engine holds it.
 * A lock left by a process that is gone (on this host) is recovered: one that exited, one
 * that exited but was never reaped (a zombie), and one whose pid now names another process.
 */
export function acquireLock(root: string, command: string): OrgLock {
  const paths = statePaths(root);
  try {
    mkdirSync(paths.directory, { recursive: true });
  } catch (error) {
    throw classified(error, paths.lock);
  }
  return takeLockFile(paths.lock, command, (holder, where) =>
    `another engine is working on this org (${where}, \`lemming ${holder.command}\`, since ${holder.started}); ` +
    `wait for it to finish or stop it. If that process is gone, delete ${paths.lock}`,
  );
}

/**
 * Take the lock file at `path` (its folder exists), recovering one left by a process that is gone;
 * throws LockedError, with `refusal`'s words, when a live process holds it. The org's lock and
 * the turn gate (turn-gate.ts) are both taken this way.
 */
export function takeLockFile(path: string, command: string, refusal: (holder: { command: string; started: string }, where: string) => string): OrgLock {
  const pidStart = ownStartTicks();
  const content: LockContent = {
    pid: process.pid,
    ...(pidStart === undefined ? {} : { pidStart }),
    host: hostname(),
    token: randomBytes(8).toString('hex'),
    command,
    started: new Date().toISOString(),
  };
  let gone: LockContent | undefined;
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    // The lock is made with its content in one step (a temporary, linked into place): a lock created empty and
    // written after could be read, empty, by an engine starting at the same moment, taken for a dead one's and
    // removed, and both would run.
    if (createFileAtomic(path, JSON.stringify(content))) {
      const tookOver = gone && { pid: gone.pid, command: gone.command, started: gone.started };
      return { release: () => releaseLock(path, content.token), ...(tookOver ? { tookOver } : {}) };
    }
    const holder = readLockFile(path);
    // Its holder let go this moment: try again.
    if (holder === 'absent') continue;
    if (holder !== 'unreadable' && !leftBehind(holder, content.host)) {
      const where = holder.host === content.host ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
      throw new LockedError(refusal(holder, where));
    }
    // The holder is dead (or the file is unreadable): remove its lock, and try again.
    if (holder !== 'unreadable') gone = holder;
    removeIfHolderGone(path, content);
  }
  throw new LockedError(`could not take the lock ${path}; another engine keeps taking it`);
}

/**
 * Remove the lock at `path` if the process that holds it is gone, and only then. Several may find the same
 * dead holder at once: they take turns through `<path>.recover` (made whole, exclusively), so the one that
 * removes the lock reads it again first, and a lock another took meanwhile is never moved or removed. Before,
 * each moved the lock aside and put a live one back by a rename, which could replace a lock a third had just
 * taken: of four engines started at once beside a killed engine's lock, two ran in about 1 round of 100.
 * A process killed while it recovers leaves `<path>.recover`, which the next removes.
 */
function removeIfHolderGone(path: string, own: LockContent): void {
  const recovery = `${path}.recover`;
  if (!createFileAtomic(recovery, JSON.stringify(own))) {
    // Another recovers the lock this moment: let it finish. A lock gone when read, or one just made, is never removed.
    if (leftBehind(readLockFile(recovery), own.host)) removeQuietly(recovery);
    else Atomics.wait(sleeper, 0, 0, 1);
    return;
  }
  try {
    if (leftBehind(readLockFile(path), own.host)) removeQuietly(path);
  } finally {
    removeQuietly(recovery);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/**
 * Take the lock file at `path` for a change that takes moments (a read, a merge, a write),
 * waiting while another live process holds it for one of its own: the thread sleeps between
 * looks, up to `waitMs`, then throws the LockedError of `refusal`. A dead holder's is recovered.
 */
export function takeLockFileWaiting(path: string, command: string, refusal: (holder: { command: string; started: string }, where: string) => string, waitMs = 5_000): OrgLock {
  const lookEveryMs = 10;
  for (let waited = 0; ; waited += lookEveryMs) {
    try {
      return takeLockFile(path, command, refusal);
    } catch (error) {
      if (!(error instanceof LockedError) || waited >= waitMs) throw error;
    }
    Atomics.wait(sleeper, 0, 0, lookEveryMs);
  }
}

function releaseLock(path: string, token: string): void {
  if (readLock(path)?.token === token) removeQuietly(path);
}

/** Who holds the lock right now, if anyone alive does (one on another host counts as alive). For `status`. */
export function lockHolder(root: string): { pid: number; command: string; started: string; onThisHost: boolean } | undefined {
  const holder = readLock(statePaths(root).lock);
  const onThisHost = holder?.host === hostname();
  if (!holder || (onThisHost && !isAlive(holder))) return undefined;
  return { pid: holder.pid, command: holder.command, started: holder.started, onThisHost };
}
