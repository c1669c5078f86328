import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { LemmingError } from '../../errors.js';
import { createFileAtomic } from '../../storage/atomic-write.js';
import { classified } from '../../storage/storage-error.js';
import { statePaths } from './state-paths.js';

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
    super('locked', message, { exitCode: 3 });
    this.name = 'LockedError';
  }
}

/** What /proc says about a process: its state letter and when it started. */
export interface ProcessStat {
  /** `R`, `S`, `D`, `Z` (zombie), `X` (dead), … */
  state: string;
  /** When it started, in clock ticks since boot: with the pid, names one process even after the pid is reused. */
  startTicks: number;
}

/**
 * Parse a line of /proc/<pid>/stat. The second field is the program's name in
 * parentheses and may itself hold spaces and parentheses, so the fields after it
 * are counted from the last `)`. Pure.
 */
export function parseProcStat(line: string): ProcessStat | undefined {
  const nameEnd = line.lastIndexOf(')');
  if (nameEnd < 0) return undefined;
  // Fields from the third (state) on; field n is at index n - 3.
  const fields = line.slice(nameEnd + 1).trim().split(/\s+/);
  const state = fields[0];
  const startTicks = Number(fields[22 - 3]);
  if (state === undefined || state === '' || !Number.isInteger(startTicks)) return undefined;
  return { state, startTicks };
}

/** This process's start, in clock ticks since boot, read once: it never changes, and a lock is taken every turn (the turn gate). */
let ownStart: { ticks: number | undefined } | undefined;

/** When this process started (the `pidStart` a lock records), or undefined where there is no /proc. */
export function ownStartTicks(): number | undefined {
  ownStart ??= { ticks: processStat(process.pid)?.startTicks };
  return ownStart.ticks;
}

/** /proc's view of a process; undefined where there is no /proc (macOS) or the process is not there. */
export function processStat(pid: number): ProcessStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

function answersSignals(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that wrote `startTicks` (see ProcessStat) under `pid` still runs.
 * `kill(pid, 0)` alone says yes to a zombie (a process that exited but that its parent
 * has not reaped, as happens in a container without an init) and to another program
 * that was given the same pid; where /proc can tell, neither counts. Where it cannot
 * (no /proc, as on macOS, or the process hidden from it) the answer is `kill(pid, 0)`'s;
 * without a recorded start (a lock written before starts were kept) a zombie still counts
 * as gone, and any running process under the pid as the holder.
 */
export function isRunning(pid: number, startTicks?: number): boolean {
  if (!answersSignals(pid)) return false;
  const stat = processStat(pid);
  if (stat === undefined) return true;
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return startTicks === undefined || stat.startTicks === startTicks;
}

/** Whether the process that wrote the lock still runs (on this host: another host's cannot be asked). */
function isAlive(holder: LockContent): boolean {
  return isRunning(holder.pid, holder.pidStart);
}

function readLock(path: string): LockContent | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockContent;
  } catch {
    return undefined;
  }
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
