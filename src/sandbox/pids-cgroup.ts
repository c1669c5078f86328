import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { ownerRunning } from '../storage/temporary-files.js';
import { join } from 'node:path';

/**
 * A process count for a command when lemming runs as root. The kernel does not hold root's
 * processes to RLIMIT_NPROC (kernel/fork.c exempts the root user), and a command in a user
 * namespace made by root is root's outside it; so for root the count is held by a cgroup of the
 * `pids` controller instead, one per command: made before it starts, removed when it ends. An
 * ordinary user needs none of this: prlimit's limit inside the namespace counts the sandbox's
 * processes alone (see run-sandboxed.ts).
 */

/** A cgroup made for one command: write the first process's pid to `procs`, then remove it when done. */
export interface PidsCgroup {
  procs: string;
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

/** This process's cgroup in a hierarchy: `0::/path` for cgroup v2, `N:pids:/path` for v1's pids. */
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

function hasPids(folder: string): boolean {
  try {
    return readFileSync(join(folder, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('pids');
  } catch {
    return false;
  }
}

/** A folder this process may make pids cgroups in, or why there is none. */
function findBase(): { folder: string; version: 1 | 2 } | { problem: string } {
  const all = mounts();
  const unified = all.find((mount) => mount.type === 'cgroup2');
  const own = ownCgroup((controllers) => controllers === '');
  if (unified && own !== undefined) {
    // A child of our own cgroup, or else of the root of the hierarchy we see: where children may count processes.
    for (const folder of [inside(unified, own), unified.point]) if (hasPids(folder)) return { folder, version: 2 };
  }
  const legacy = all.find((mount) => mount.type === 'cgroup' && mount.options.split(',').includes('pids'));
  const ownLegacy = ownCgroup((controllers) => controllers.split(',').includes('pids'));
  if (legacy && ownLegacy !== undefined) return { folder: inside(legacy, ownLegacy), version: 1 };
  return { problem: 'no cgroup with the pids controller is mounted where lemming can use it' };
}

let base: ReturnType<typeof findBase> | undefined;
let made = 0;

/** A sandbox's cgroup: `lemming-sandbox-<pid of the process that made it>-<its count>`. */
const SANDBOX_CGROUP = /^lemming-sandbox-(\d+)-\d+$/;

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
    const owner = SANDBOX_CGROUP.exec(name)?.[1];
    if (owner === undefined || ownerRunning(Number(owner))) continue;
    try {
      rmdirSync(join(folder, name));
      removed += 1;
    } catch {
      // Not empty (a process of it lingers), or gone already.
    }
  }
  return removed;
}

/** Where sandbox cgroups are made, or why they cannot be; found once, when leftovers are swept too. */
function sandboxBase(): ReturnType<typeof findBase> {
  if (base === undefined) {
    base = findBase();
    if (!('problem' in base)) sweepStaleCgroups(base.folder);
  }
  return base;
}

/**
 * Make a cgroup that lets at most `max` processes and threads exist, or say why it cannot be made
 * (no pids controller, a read-only /sys/fs/cgroup as in most containers).
 */
export function makePidsCgroup(max: number): PidsCgroup | { problem: string } {
  const found = sandboxBase();
  if ('problem' in found) return found;
  let folder = '';
  let ours = false;
  try {
    // A name still taken is a leftover that could not be swept (a process of it lingers): the next count is free.
    for (let tries = 0; ; tries += 1) {
      made += 1;
      folder = join(found.folder, `lemming-sandbox-${process.pid}-${made}`);
      try {
        mkdirSync(folder);
        ours = true;
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 100) throw error;
      }
    }
    writeFileSync(join(folder, 'pids.max'), String(max));
  } catch (error) {
    try {
      if (ours) rmdirSync(folder);
    } catch {
      // Gone already.
    }
    return { problem: `a pids cgroup cannot be made under ${found.folder} (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  return {
    procs: join(folder, 'cgroup.procs'),
    remove: () => removeCgroup(folder),
  };
}

/** Kill what is left in it (nothing, normally: the sandbox's pid namespace went with its first process) and remove it once empty. */
async function removeCgroup(folder: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (!existsSync(folder)) return;
    try {
      for (const pid of readFileSync(join(folder, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      rmdirSync(folder);
      return;
    } catch {
      // Its last processes are still being reaped.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
