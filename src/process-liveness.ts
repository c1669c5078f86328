import { readFileSync } from 'node:fs';

/*
 * Whether a process still runs, as every part of lemming that names something after a pid asks it:
 * the org's lock and turn gate (engine/record/lock.ts), the temporaries' sweep
 * (storage/temporary-files.ts) and the sandboxes' cgroups (sandbox/command-cgroup.ts); and the one
 * reading of /proc/<pid>/stat, which the tether's watchdog shares (process-watchdog.ts). It imports
 * nothing of lemming's: the watchdog loads it at its start.
 */

/** What /proc says about a process: its state letter, its parent and when it started. */
export interface ProcessStat {
  /** `R`, `S`, `D`, `Z` (zombie), `X` (dead), … */
  state: string;
  /** Its parent's pid (the watchdog finds a tethered process's descendants by it: process-watchdog.ts). */
  parent: number;
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
  const parent = Number(fields[4 - 3]);
  const startTicks = Number(fields[22 - 3]);
  if (state === undefined || state === '' || !Number.isInteger(parent) || !Number.isInteger(startTicks)) return undefined;
  return { state, parent, startTicks };
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
