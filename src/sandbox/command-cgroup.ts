import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { ownerRunning } from '../storage/temporary-files.js';
import { killQuietly } from '../process-kill.js';

/**
 * A cgroup per command: made before it starts, removed when it ends. It holds what per-process
 * limits cannot: `memory` counts every page the command's processes hold together, shared memory
 * and tmpfs pages included, with no swap to spill into (cgroup v2 memory.max and memory.swap.max=0;
 * v1 memory.limit_in_bytes and memory.memsw.limit_in_bytes); `pids` counts its processes and
 * threads whoever they belong to; `freezer` holds them all still while the disk quota measures what
 * they wrote (cgroup v2's cgroup.freeze, which every cgroup has; v1's freezer hierarchy), so no
 * write goes on between a measurement's start and its verdict. Used wherever this process may make cgroups: as root, or as a user
 * given a delegated cgroup. Where none can be made, the sandbox says so and what holds instead (see
 * sandbox-probe.ts).
 */

/** The controllers a command cgroup uses. */
export type Controller = 'pids' | 'memory' | 'freezer';

/** A way to hold a command's processes still and let them go on (a cgroup's freezer). */
export interface CommandHold {
  /** Hold every process of it still; resolves true once the kernel says they are, or after a while they are on their way (false: it has no freezer). Thaw after. */
  freeze(): Promise<boolean>;
  /** Let them go on. */
  thaw(): void;
}

/** A cgroup made for one command. */
export interface CommandCgroup extends CommandHold {
  /** The controllers it holds the command to. */
  controllers: readonly Controller[];
  /** Its folders: one on cgroup v2, one per controller's hierarchy on v1 (the pids one first). */
  folders: readonly string[];
  /** Put a process in it (bwrap, before it has read its options and started anything). */
  enter(pid: number): void;
  /** Whether the kernel killed one of its processes for want of memory. */
  outOfMemory(): boolean;
  /** Resolves once it is gone (or after about two seconds of trying: an empty cgroup costs nothing). */
  remove(): Promise<void>;
}

interface Mount {
  root: string;
  point: string;
  type: string;
  options: string;
}

function mounts(): Mount[] {
  let text = '';
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ') ?? [];
    const after = right?.split(' ') ?? [];
    if (fields.length < 5 || after.length < 3) return [];
    return [{ root: fields[3] ?? '', point: fields[4] ?? '', type: after[0] ?? '', options: after[2] ?? '' }];
  });
}

/** This process's cgroup in a hierarchy: `0::/path` for cgroup v2, `N:memory:/path` for one of v1. */
function ownCgroup(matches: (controllers: string) => boolean): string | undefined {
  let text = '';
  try {
    text = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (controllers !== undefined && path !== undefined && matches(controllers)) return path;
  }
  return undefined;
}

function inside(mount: Mount, path: string): string {
  const relative = mount.root !== '/' && path.startsWith(mount.root) ? path.slice(mount.root.length) : path;
  return join(mount.point, relative);
}

function delegates(folder: string, controller: Controller): boolean {
  // cgroup v2 freezes any cgroup but the root: cgroup.freeze needs no controller.
  if (controller === 'freezer') return existsSync(join(folder, 'cgroup.procs'));
  try {
    return readFileSync(join(folder, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes(controller);
  } catch {
    return false;
  }
}

/** Where a controller's command cgroups are made: a folder of v2 (one for both controllers), or of its own v1 hierarchy. */
interface Base {
  folder: string;
  version: 1 | 2;
}

/** A folder this process may make cgroups of a controller in, if there is one. */
function findBase(controller: Controller, all: readonly Mount[]): Base | undefined {
  const unified = all.find((mount) => mount.type === 'cgroup2');
  const own = ownCgroup((controllers) => controllers === '');
  if (unified && own !== undefined) {
    // A child of our own cgroup, or else of the root of the hierarchy we see: where children may use the controller.
    for (const folder of [inside(unified, own), unified.point]) if (delegates(folder, controller)) return { folder, version: 2 };
  }
  const legacy = all.find((mount) => mount.type === 'cgroup' && mount.options.split(',').includes(controller));
  const ownLegacy = ownCgroup((controllers) => controllers.split(',').includes(controller));
  if (legacy && ownLegacy !== undefined) return { folder: inside(legacy, ownLegacy), version: 1 };
  return undefined;
}

/**
 * A sandbox's cgroup: `lemming-sandbox-<pid of the process that made it>-<its thread>-<its count>`
 * (an older lemming's: `lemming-sandbox-<pid>-<count>`). The thread keeps a command that a test runs
 * in a thread of its process from sweeping the cgroup another thread has just made.
 */
const SANDBOX_CGROUP = /^lemming-sandbox-(\d+)-(\d+)(?:-(\d+))?$/;

/**
 * Remove the sandbox cgroups that processes now gone left behind (a process killed, or stopped by
 * a full disk, before its sandbox's cgroup was removed): the kernel keeps them until someone does,
 * and a later process given the same pid would meet its own names taken. One that still holds a
 * process is left to its owner. Returns how many were removed.
 */
export function sweepStaleCgroups(folder: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  for (const name of names) {
    const match = SANDBOX_CGROUP.exec(name);
    if (!match || ownerRunning(Number(match[1]), match[3] === undefined ? undefined : Number(match[2]))) continue;
    try {
      rmdirSync(join(folder, name));
      removed += 1;
    } catch {
      // Not empty (a process of it lingers), or gone already.
    }
  }
  return removed;
}

/** Each controller's base, and which ones a trial cgroup could be made with; found once per process. */
let found: { bases: Map<Controller, Base>; usable: Controller[]; problems: Map<Controller, string> } | undefined;
let made = 0;

function discover(): NonNullable<typeof found> {
  if (found) return found;
  const all = mounts();
  const bases = new Map<Controller, Base>();
  const problems = new Map<Controller, string>();
  for (const controller of ['pids', 'memory', 'freezer'] as const) {
    const base = findBase(controller, all);
    if (base) bases.set(controller, base);
    else problems.set(controller, `no cgroup with the ${controller} controller is mounted where lemming can use it`);
  }
  for (const folder of new Set([...bases.values()].map((base) => base.folder))) sweepStaleCgroups(folder);
  found = { bases, usable: [...bases.keys()], problems };
  // A trial of each: a base that exists may still refuse us (a read-only /sys/fs/cgroup, an ordinary user's).
  for (const controller of [...found.usable]) {
    const trial = makeFolders([controller], { maxProcesses: 8, memoryBytes: 64 * 1024 * 1024 });
    if ('problem' in trial) {
      found.usable = found.usable.filter((usable) => usable !== controller);
      problems.set(controller, trial.problem);
    } else {
      void trial.remove();
    }
  }
  return found;
}

/**
 * Which controllers command cgroups can use here, and for the others why not. Checked once per
 * process, by making (and removing) a trial cgroup of each.
 */
export function cgroupSupport(): { usable: readonly Controller[]; problems: ReadonlyMap<Controller, string> } {
  const { usable, problems } = discover();
  return { usable, problems };
}

/** The folder of one new cgroup under `base`, made; a name still taken (a leftover that could not be swept) moves on to the next count. */
function makeFolder(base: string): string {
  for (let tries = 0; ; tries += 1) {
    made += 1;
    const folder = join(base, `lemming-sandbox-${process.pid}-${threadId}-${made}`);
    try {
      mkdirSync(folder);
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 100) throw error;
    }
  }
}

/** Write a limit file; a file that is absent (no swap accounting) is no error, the limit beside it holds. */
function writeLimit(folder: string, file: string, value: string, optional = false): void {
  if (optional && !existsSync(join(folder, file))) return;
  writeFileSync(join(folder, file), value);
}

function makeFolders(controllers: readonly Controller[], limits: { maxProcesses: number; memoryBytes: number }): CommandCgroup | { problem: string } {
  const bases = found?.bases ?? new Map<Controller, Base>();
  const folders = new Map<string, { version: 1 | 2; controllers: Controller[] }>();
  for (const controller of controllers) {
    const base = bases.get(controller);
    if (!base) return { problem: `no cgroup with the ${controller} controller is mounted where lemming can use it` };
    const entry = folders.get(base.folder) ?? { version: base.version, controllers: [] };
    entry.controllers.push(controller);
    folders.set(base.folder, entry);
  }
  const madeFolders: Array<{ folder: string; version: 1 | 2; controllers: Controller[] }> = [];
  try {
    for (const [base, entry] of folders) {
      const folder = makeFolder(base);
      madeFolders.push({ folder, ...entry });
      if (entry.controllers.includes('pids')) writeLimit(folder, 'pids.max', String(limits.maxProcesses));
      if (entry.controllers.includes('memory')) {
        const bytes = String(limits.memoryBytes);
        if (entry.version === 2) {
          writeLimit(folder, 'memory.max', bytes);
          writeLimit(folder, 'memory.swap.max', '0', true);
        } else {
          // memsw is memory and swap together, and may not be set below the memory limit: memory first.
          writeLimit(folder, 'memory.limit_in_bytes', bytes);
          writeLimit(folder, 'memory.memsw.limit_in_bytes', bytes, true);
        }
      }
    }
  } catch (error) {
    for (const { folder } of madeFolders) {
      try {
        rmdirSync(folder);
      } catch {
        // Gone already.
      }
    }
    const base = [...folders.keys()].join(' and ');
    return { problem: `a ${controllers.join(' and ')} cgroup cannot be made under ${base} (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  return {
    controllers,
    folders: madeFolders.map(({ folder }) => folder),
    enter: (pid) => {
      for (const { folder } of madeFolders) writeFileSync(join(folder, 'cgroup.procs'), String(pid));
    },
    outOfMemory: () => madeFolders.some(({ folder, version, controllers: held }) => held.includes('memory') && oomKills(folder, version) > 0),
    freeze: async () => {
      const held = madeFolders.find(({ controllers: of }) => of.includes('freezer'));
      return held ? freezeFolder(held.folder, held.version) : false;
    },
    thaw: () => {
      const held = madeFolders.find(({ controllers: of }) => of.includes('freezer'));
      if (held) thawFolder(held.folder, held.version);
    },
    remove: async () => {
      await Promise.all(madeFolders.map(({ folder }) => removeCgroup(folder)));
    },
  };
}

/**
 * How long a freeze is waited for before the measurement goes on (a process in the middle of a long
 * system call, or throttled by the kernel's writeback, reaches the freezer late); the freeze stays
 * asked for all the same, so the process stops as soon as it can, until thawed.
 */
const FREEZE_WAIT_MS = 200;

/** Freeze a cgroup and wait until the kernel says it is frozen; false when it cannot be asked; true once asked (frozen, or on its way). */
async function freezeFolder(folder: string, version: 1 | 2): Promise<boolean> {
  try {
    if (version === 2) writeFileSync(join(folder, 'cgroup.freeze'), '1');
    else writeFileSync(join(folder, 'freezer.state'), 'FROZEN');
  } catch {
    return false;
  }
  const until = performance.now() + FREEZE_WAIT_MS;
  for (;;) {
    try {
      const frozen = version === 2 ? /^frozen 1$/m.test(readFileSync(join(folder, 'cgroup.events'), 'utf8')) : readFileSync(join(folder, 'freezer.state'), 'utf8').trim() === 'FROZEN';
      if (frozen) return true;
    } catch {
      return false;
    }
    if (performance.now() > until) return true;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function thawFolder(folder: string, version: 1 | 2): void {
  try {
    if (version === 2) writeFileSync(join(folder, 'cgroup.freeze'), '0');
    else writeFileSync(join(folder, 'freezer.state'), 'THAWED');
  } catch {
    // Gone with its command.
  }
}

/** How many of a memory cgroup's processes the kernel killed for want of memory. */
function oomKills(folder: string, version: 1 | 2): number {
  try {
    const text = readFileSync(join(folder, version === 2 ? 'memory.events' : 'memory.oom_control'), 'utf8');
    return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Make a cgroup for one command with every controller usable here, or say why it cannot be made.
 * Undefined when no controller is usable at all.
 */
export function makeCommandCgroup(limits: { maxProcesses: number; memoryBytes: number }): CommandCgroup | { problem: string } | undefined {
  const { usable } = discover();
  if (usable.length === 0) return undefined;
  return makeFolders(usable, limits);
}

/** Kill what is left in it (nothing, normally: the sandbox's pid namespace went with its first process) and remove it once empty. */
async function removeCgroup(folder: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (!existsSync(folder)) return;
    try {
      for (const pid of readFileSync(join(folder, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) killQuietly(Number(pid));
      rmdirSync(folder);
      return;
    } catch {
      // Its last processes are still being reaped.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
