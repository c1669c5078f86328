import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { EXIT, LemmingError } from '../../errors.js';
import { createFileAtomic } from '../../storage/atomic-write.js';
import { classified } from '../../storage/storage-error.js';
import { isRunning, ownStartTicks } from '../../process-liveness.js';
import { statePaths } from './state-paths.js';
import { readSavedJson } from '../../storage/read-own-file.js';

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
  for (let attempt = 0; attempt < 5; attempt += 1) {
    // The lock is made with its content in one step (a temporary, linked into place): a lock created empty and
    // written after could be read, empty, by an engine starting at the same moment, taken for a dead one's and
    // removed, and both would run.
    if (createFileAtomic(path, JSON.stringify(content))) return { release: () => releaseLock(path, content.token) };
    const holder = readLock(path);
    if (holder && (holder.host !== content.host || isAlive(holder))) {
      const where = holder.host === content.host ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
      throw new LockedError(refusal(holder, where));
    }
    // The holder is dead (or the file is unreadable): move its lock aside, atomically, and try again.
    const aside = `${path}.stale-${content.token}`;
    try {
      renameSync(path, aside);
      const moved = readLock(aside);
      if (moved && moved.token !== holder?.token && moved.host === content.host && isAlive(moved)) {
        // Another process recovered the lock between our read and our rename: give it back.
        renameSync(aside, path);
        continue;
      }
      unlinkSync(aside);
    } catch {
      // Someone else moved it first; try again.
    }
  }
  throw new LockedError(`could not take the lock ${path}; another engine keeps taking it`);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

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
  const holder = readLock(path);
  if (holder?.token !== token) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** Who holds the lock right now, if anyone alive does (one on another host counts as alive). For `status`. */
export function lockHolder(root: string): { pid: number; command: string; started: string; onThisHost: boolean } | undefined {
  const holder = readLock(statePaths(root).lock);
  const onThisHost = holder?.host === hostname();
  if (!holder || (onThisHost && !isAlive(holder))) return undefined;
  return { pid: holder.pid, command: holder.command, started: holder.started, onThisHost };
}
