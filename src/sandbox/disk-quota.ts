import type { CommandResult, CommandSpec, DiskQuotaMet } from './command-spec.js';
import { folderUsage } from './disk-usage.js';

/**
 * The disk quota of the folders a command may write (engine.sandbox.disk_mb, for its workspace and,
 * when it may write there, the shared one), and the clearing of setuid and setgid bits from what it
 * wrote. Linux offers no quota per folder that an unprivileged bwrap could use (project quotas
 * need a file system made for them, and root), so the quota is held around the command:
 *
 * - a command does not start while a folder is at its quota (the result says so);
 * - no file it writes may grow past the room left (its RLIMIT_FSIZE is lowered to it, from
 *   max_file_mb), so one file alone never passes the quota;
 * - while it runs, the folders are measured every WATCH_MS (allocated blocks, not sizes: a sparse
 *   file counts what it holds), and it is stopped (killed, like a timeout) once one is at its quota;
 * - after it ends they are measured again, and a folder left over its quota is said in the result.
 *
 * What this bounds: a folder ends at most what the command wrote between two measurements over its
 * quota (plus the moment it takes to kill it), never more than max_file_mb in one file. A command
 * writing many files at the disk's full speed gets that far: at 1 GB/s and 50 ms, some 50 MB. The
 * time between two measurements grows with the folders: a walk that takes longer than WATCH_MS / 4
 * (some thousands of files) is repeated only after four times its length, so that measuring takes
 * at most a fifth of the time; a workspace of tens of thousands of files is measured every few
 * seconds, and the bound grows with that. It is no hard cap in bytes: Linux gives none here
 * (project quotas need a file system made for them), and docs/sandbox.md says so.
 * Every measurement also clears setuid and setgid bits, so none stays on a file the command made
 * for longer than WATCH_MS after it (mounts are nosuid inside the sandbox; this is for the host).
 */

const MIB = 1024 * 1024;

/** How often the folders are measured while a command runs, at least; a large workspace is measured less often (see `watch`). */
export const WATCH_MS = 50;

interface Watched {
  folder: DiskQuotaMet['folder'];
  path: string;
}

/** The folders a command may write, by the names the result gives them. */
function watchedFolders(spec: CommandSpec): Watched[] {
  return [{ folder: 'workspace', path: spec.workspace }, ...(spec.shared?.writable ? [{ folder: 'shared' as const, path: spec.shared.path }] : [])];
}

/** Measure each folder (clearing setuid and setgid bits); the first at or over the quota, and the room the fullest leaves. */
async function measure(folders: readonly Watched[], quota: number): Promise<{ full?: { folder: Watched['folder']; usedBytes: number }; room: number }> {
  let room = quota;
  for (const watched of folders) {
    const usage = await folderUsage(watched.path, { clearSetId: true });
    if (usage.bytes >= quota) return { full: { folder: watched.folder, usedBytes: usage.bytes }, room: 0 };
    room = Math.min(room, quota - usage.bytes);
  }
  return { room };
}

/** The result of a command that did not start: its workspace was full. */
function refused(full: { folder: Watched['folder']; usedBytes: number }, quota: number): CommandResult {
  return {
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    stdoutBytes: 0,
    stderrBytes: 0,
    durationMs: 0,
    stoppedBy: 'quota',
    disk: { ...full, quotaBytes: quota, refused: true },
  };
}

/**
 * Run a command with `run` (the sandbox's launch) within the disk quota of the folders it may
 * write, as said above; the spec's own signal still stops it as before ('stopped').
 */
export async function runWithinQuota(spec: CommandSpec, run: (spec: CommandSpec) => Promise<CommandResult>): Promise<CommandResult> {
  const quota = spec.limits.disk_mb * MIB;
  const folders = watchedFolders(spec);
  const before = await measure(folders, quota);
  if (before.full) return refused(before.full, quota);
  const stop = new AbortController();
  const passOn = (): void => stop.abort();
  if (spec.signal?.aborted) stop.abort();
  spec.signal?.addEventListener('abort', passOn);
  let met: { folder: Watched['folder']; usedBytes: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let watching = true;
  let inFlight: Promise<void> | undefined;
  const watch = async (): Promise<void> => {
    if (!watching) return;
    const started = performance.now();
    const now = await measure(folders, quota);
    if (!watching) return;
    if (now.full) {
      met = now.full;
      stop.abort();
      return;
    }
    // A workspace whose walk takes long is walked less often: at most a fifth of the time goes to it.
    timer = setTimeout(() => (inFlight = watch().catch(() => undefined)), Math.max(WATCH_MS, 4 * (performance.now() - started)));
  };
  timer = setTimeout(() => (inFlight = watch().catch(() => undefined)), WATCH_MS);
  let result: CommandResult;
  try {
    result = await run({ ...spec, limits: { ...spec.limits, max_file_mb: Math.min(spec.limits.max_file_mb, before.room / MIB) }, signal: stop.signal });
  } finally {
    watching = false;
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', passOn);
  }
  // A measurement under way when it ended finishes first: two walks at once would only cost twice.
  await inFlight;
  const after = await measure(folders, quota);
  const full = after.full ?? met;
  if (full === undefined) return result;
  const stoppedHere = met !== undefined && spec.signal?.aborted !== true && (result.stoppedBy === undefined || result.stoppedBy === 'stopped');
  return {
    ...result,
    ...(stoppedHere ? { stoppedBy: 'quota' as const } : {}),
    disk: { folder: full.folder, usedBytes: after.full?.usedBytes ?? full.usedBytes, quotaBytes: quota, refused: false },
  };
}
