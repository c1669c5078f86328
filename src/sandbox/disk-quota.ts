import { statfs } from 'node:fs/promises';
import { passedText } from './beneath/walk-beneath.js';
import type { CommandHold } from './command-cgroup.js';
import type { CommandResult, CommandSpec, DiskQuotaMet } from './command-spec.js';
import { folderUsage } from './disk-usage.js';
import type { WorkspaceLimits } from './workspace-bounds.js';

/**
 * The disk quota of the folders a command may write (engine.sandbox.disk_mb and max_files, for its
 * workspace and, when it may write there, the shared one), and the clearing of setuid and setgid
 * bits from what it wrote. Linux offers no quota per folder that an unprivileged bwrap could use
 * (project quotas need a file system made for them, and root), so the quota is held around the
 * command:
 *
 * - a command started while a folder is at its quota, holds more than max_files entries, or holds
 *   something no reader of it would take (a file larger than the quota, a folder nested too deep, a
 *   path too long: workspace-bounds.ts) may only remove: no file it writes may grow at all
 *   (RLIMIT_FSIZE 0), and it is stopped once the file system's counts grow by a little (LEAST_BYTES,
 *   LEAST_ENTRIES) and the folder is still past its quota; the result says which bound and why;
 * - no file it writes may grow past the room left (its RLIMIT_FSIZE is lowered to it, from
 *   max_file_mb), so one file alone never passes the quota;
 * - while it runs, the host's own count of the used blocks and inodes of the file system under each
 *   folder (statfs: one system call, whatever the folder holds) is looked at every GLANCE_MS. When
 *   it has grown by half the room left since the last measurement, the command's processes are held
 *   still (the cgroup's freezer), the folders measured by the one walker (walk-beneath.ts), and the
 *   command stopped (killed, like a timeout) if one is at its quota, or let go on. The folders are
 *   also measured every WATCH_MS or so unprompted, which sees what statfs cannot (a file's holes,
 *   writes hidden by files freed elsewhere meanwhile): with the command held where it can be (a
 *   walk lists a folder in one call, and no glance comes meanwhile), else beside it, the glances
 *   going on beside such a walk, and one that finds the counts grown holds the command, calls the
 *   walk off and measures;
 * - after it ends they are measured again, and a folder left over its quota is said in the result.
 *
 * What this bounds: with a freezer (a cgroup, as root or a user given a delegated one), a folder ends
 * at most half its room plus what the command writes in one GLANCE_MS past its quota (at 2 GB/s, some
 * 20 MB), and past max_files by half the files' room plus one glance's creations, however many files
 * it makes: measuring a thousand or a hundred thousand files takes the command no further, since it is
 * held still meanwhile. Without one, the command goes on while a measurement walks, and it may write
 * for as long as a walk of max_files entries takes. Other writers on the same file system make the
 * measurements come sooner, never later. No hard cap in bytes: docs/sandbox.md says which identity
 * gets which bound. Every measurement also clears setuid and setgid bits.
 */

const MIB = 1024 * 1024;

/** How often the folders are measured without holding the command, at least; a large workspace is measured less often (see `watch`). */
export const WATCH_MS = 50;

/** How often the folders are measured without holding the command where it can be held: the glances see its writes. */
const HELD_WATCH_MS = 250;

/** How often the host's counts of used blocks and inodes are looked at while a command runs. */
export const GLANCE_MS = 10;

/** What the counts must grow by, at least, before a command is held to be measured: host writes elsewhere are no reason to hold it each glance. */
const LEAST_BYTES = MIB;
const LEAST_ENTRIES = 100;

interface Watched {
  folder: DiskQuotaMet['folder'];
  path: string;
}

/** The folders a command may write, by the names the result gives them. */
function watchedFolders(spec: CommandSpec): Watched[] {
  return [{ folder: 'workspace', path: spec.workspace }, ...(spec.shared?.writable ? [{ folder: 'shared' as const, path: spec.shared.path }] : [])];
}

/** What a measurement found: the first folder past a bound, the room every folder leaves, and what each takes. */
interface Measured {
  met?: DiskQuotaMet;
  /** Bytes and entries left before the fullest folder meets its quota. */
  room: number;
  filesRoom: number;
  /** Each folder's bytes and entries (entries counted up to COUNT_TIMES × max_files). */
  usages: Array<{ bytes: number; entries: number }>;
}

/** Entries are counted up to this many times max_files: enough to tell whether a folder past it is growing. */
const COUNT_TIMES = 2;

/** Measure each folder (clearing setuid and setgid bits) within its bounds; undefined when `calledOff` said so before it ended. */
async function measure(folders: readonly Watched[], limits: WorkspaceLimits, calledOff?: () => boolean): Promise<Measured | undefined> {
  const quota = limits.disk_mb * MIB;
  const measured: Measured = { room: quota, filesRoom: limits.max_files, usages: [] };
  for (const watched of folders) {
    const usage = await folderUsage(watched.path, { clearSetId: true, limits: { ...limits, max_files: COUNT_TIMES * limits.max_files }, ...(calledOff ? { calledOff } : {}) });
    if (usage.calledOff) return undefined;
    measured.usages.push({ bytes: usage.bytes, entries: usage.entries });
    const base = { folder: watched.folder, usedBytes: usage.bytes, quotaBytes: quota, maxFiles: limits.max_files };
    if (measured.met) continue;
    if (usage.past?.reason === 'entries' || usage.entries > limits.max_files) measured.met = { ...base, met: 'files' };
    else if (usage.past) measured.met = { ...base, met: 'entry', entry: passedText(usage.past, (bytes) => `${Math.round((bytes / MIB) * 10) / 10} MiB`) };
    else if (usage.bytes >= quota) measured.met = { ...base, met: 'bytes' };
    measured.room = Math.min(measured.room, quota - usage.bytes);
    measured.filesRoom = Math.min(measured.filesRoom, limits.max_files - usage.entries);
  }
  if (measured.met) {
    measured.room = 0;
    measured.filesRoom = 0;
  }
  return measured;
}

/**
 * Whether a folder past its quota from the start has grown since (by LEAST_BYTES or LEAST_ENTRIES):
 * a command that only removes never has, whatever other writers did meanwhile. Pure.
 */
function grewSince(start: Measured, now: Measured, limits: WorkspaceLimits): boolean {
  return now.usages.some((usage, index) => {
    const before = start.usages[index];
    if (before === undefined) return false;
    const counted = before.entries < COUNT_TIMES * limits.max_files;
    return usage.bytes >= before.bytes + LEAST_BYTES || (counted && usage.entries >= before.entries + LEAST_ENTRIES);
  });
}

/** The host's counts of used bytes and inodes of the file system under each folder; undefined where statfs fails. */
async function glance(folders: readonly Watched[]): Promise<Array<{ bytes: number; inodes: number } | undefined>> {
  return Promise.all(
    folders.map(async (watched) => {
      try {
        const counts = await statfs(watched.path);
        return { bytes: (counts.blocks - counts.bfree) * counts.bsize, inodes: counts.files - counts.ffree };
      } catch {
        return undefined;
      }
    }),
  );
}

/** Whether the counts grew past half the room since the last measurement: time to hold the command and measure. Pure. */
function grown(now: ReadonlyArray<{ bytes: number; inodes: number } | undefined>, base: ReadonlyArray<{ bytes: number; inodes: number } | undefined>, room: Measured): boolean {
  return now.some((counts, index) => {
    const before = base[index];
    if (counts === undefined || before === undefined) return false;
    return counts.bytes - before.bytes >= Math.max(room.room / 2, LEAST_BYTES) || counts.inodes - before.inodes >= Math.max(room.filesRoom / 2, LEAST_ENTRIES);
  });
}

/**
 * Run a command with `run` (the sandbox's launch, which hands over a way to hold the command still
 * when its cgroup has a freezer) within the quota of the folders it may write, as said above; the
 * spec's own signal still stops it as before ('stopped').
 */
export async function runWithinQuota(spec: CommandSpec, run: (spec: CommandSpec, held: (hold: CommandHold) => void) => Promise<CommandResult>): Promise<CommandResult> {
  const limits: WorkspaceLimits = { disk_mb: spec.limits.disk_mb, max_files: spec.limits.max_files };
  const folders = watchedFolders(spec);
  let base = await glance(folders);
  let room = (await measure(folders, limits)) as Measured;
  // Past its quota already: the command may remove what is there, and write nothing.
  const start = room;
  const startedPast = room.met;
  const stop = new AbortController();
  const passOn = (): void => stop.abort();
  if (spec.signal?.aborted) stop.abort();
  spec.signal?.addEventListener('abort', passOn);
  let hold: CommandHold | undefined;
  let met: Measured['met'];
  let watching = true;
  let wake: (() => void) | undefined;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  /** Take a measurement in: stop the command when a folder is past its quota (true), else it is the room from here on. */
  const takeIn = (measured: Measured, glanced: Awaited<ReturnType<typeof glance>>): boolean => {
    // Past its quota from the start, it is stopped only for having grown: another writer's bytes are not its own.
    if (measured.met && (startedPast === undefined || grewSince(start, measured, limits))) {
      met = measured.met;
      // Killed first, then let go (by the caller): a frozen process takes its SIGKILL once thawed.
      stop.abort();
      return true;
    }
    room = measured;
    // What it wrote after that glance counts towards the next.
    base = glanced;
    return false;
  };
  // A workspace whose walk takes long is walked unprompted less often: at most a fifth of the time goes to it, or a tenth
  // where the glances hold the command still to measure it (the walks unprompted are then only for what statfs misses).
  const gap = (took: number): number => (hold ? Math.max(HELD_WATCH_MS, 9 * took) : Math.max(WATCH_MS, 4 * took));
  /** A measurement unprompted, under way while the command goes on: the glances go on beside it, and may call it off. */
  let unprompted: { calledOff: boolean; done: Promise<void> } | undefined;
  const watch = async (): Promise<void> => {
    let nextMeasure = performance.now() + WATCH_MS;
    while (watching) {
      await pause(GLANCE_MS);
      if (!watching) return;
      const now = await glance(folders);
      // Unprompted, a folder past its quota from the start would be found past it while the command removes what it holds.
      const due = startedPast === undefined && !unprompted && performance.now() >= nextMeasure;
      // Grown since the last measurement, or an unprompted measurement due where the command can be held (a walk lists
      // each folder in one call and no glance comes meanwhile: 200,000 names listed and sorted took 0.6 to 1 s on a busy
      // machine, while a command not held wrote on at the page cache's speed, 311 MiB against a quota of 64).
      if (grown(now, base, room) || (due && hold !== undefined)) {
        // The command is held still first, then an unprompted measurement under way is called off (a walk of many
        // entries takes a while to stop, and the command wrote on meanwhile), and the folders measured with it held.
        const frozen = hold !== undefined ? await hold.freeze() : false;
        if (unprompted) {
          unprompted.calledOff = true;
          await unprompted.done;
        }
        const started = performance.now();
        try {
          const measured = await measure(folders, limits);
          if (measured && takeIn(measured, now)) return;
        } finally {
          if (frozen) hold?.thaw();
        }
        nextMeasure = performance.now() + gap(performance.now() - started);
        continue;
      }
      if (!due) continue;
      // Where it cannot be held, the walk goes on beside the command, and the glances beside the walk.
      const started = performance.now();
      const task: { calledOff: boolean; done: Promise<void> } = { calledOff: false, done: Promise.resolve() };
      task.done = measure(folders, limits, () => task.calledOff || !watching)
        .then((measured) => {
          if (measured === undefined || !watching || takeIn(measured, now)) return;
          nextMeasure = performance.now() + gap(performance.now() - started);
        })
        .finally(() => {
          if (unprompted === task) unprompted = undefined;
        });
      unprompted = task;
    }
  };
  const watched = watch().catch(() => undefined);
  let result: CommandResult;
  try {
    result = await run({ ...spec, limits: { ...spec.limits, max_file_mb: Math.min(spec.limits.max_file_mb, room.room / MIB) }, signal: stop.signal }, (given) => (hold = given));
  } finally {
    watching = false;
    wake?.();
    spec.signal?.removeEventListener('abort', passOn);
  }
  // A measurement under way when it ended finishes (or is called off) first: two walks at once would only cost twice.
  await watched;
  await unprompted?.done;
  const after = (await measure(folders, limits)) as Measured;
  const full = after.met ?? met;
  if (full === undefined) return startedPast ? { ...result, disk: { ...startedPast, startedPast: true, cleared: true } } : result;
  const stoppedHere = met !== undefined && spec.signal?.aborted !== true && (result.stoppedBy === undefined || result.stoppedBy === 'stopped');
  return {
    ...result,
    ...(stoppedHere ? { stoppedBy: 'quota' as const } : {}),
    disk: { ...full, ...(startedPast ? { startedPast: true } : {}) },
  };
}
