import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
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

/**
 * Make a cgroup that lets at most `max` processes and threads exist, or say why it cannot be made
 * (no pids controller, a read-only /sys/fs/cgroup as in most containers).
 */
export function makePidsCgroup(max: number): PidsCgroup | { problem: string } {
  base ??= findBase();
  if ('problem' in base) return base;
  made += 1;
  const folder = join(base.folder, `lemming-sandbox-${process.pid}-${made}`);
  try {
    mkdirSync(folder);
    writeFileSync(join(folder, 'pids.max'), String(max));
  } catch (error) {
    try {
      rmdirSync(folder);
    } catch {
      // Never made.
    }
    return { problem: `a pids cgroup cannot be made under ${base.folder} (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
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
