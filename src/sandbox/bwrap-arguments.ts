import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import type { CommandSpec, SandboxLimits } from './command-spec.js';
import { STAGE, type StagedSources } from './root-staging.js';

/**
 * Everything bubblewrap is told, in one place. The sandbox is built from nothing: an empty root
 * (read-only once built), the system's programs and libraries bound read-only, a few files of
 * /etc, a fresh /proc (its /proc/keys hidden), a /dev of devices alone (read-only but for a sized
 * /dev/shm), a private /tmp of a fixed size, the agent's workspace read-write at /workspace and the
 * org's shared one at /shared. Every namespace is new (user, pid, network, IPC, UTS, cgroup), so
 * the command sees no network, no other process and no host user; inside it is uid 1000 with no
 * capabilities, and it may not make namespaces of its own. Every mount is nosuid and nodev (bwrap
 * adds both to each bind and tmpfs; its devices are nosuid), so no setuid program gains anything
 * inside. The kernel keyring has no namespace: the seccomp filter keeps commands off it.
 */

/** The user a command runs as, inside its user namespace. */
export const SANDBOX_UID = 1000;
/** Where the agent's workspace is seen, and where a command starts. */
export const WORKSPACE_PATH = '/workspace';
/** Where the org's shared workspace is seen. */
export const SHARED_PATH = '/shared';

/** Top-level folders of the system's programs and libraries; each a folder or (merged /usr) a link into /usr. */
const SYSTEM_FOLDERS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/**
 * The files of /etc a program needs to start and behave (the dynamic linker's cache, Debian's
 * alternatives, the time zone, MIME types, certificates, Python's site files). Nothing else of
 * /etc is there: not shadow, not the host's users, not its network set-up.
 */
const ETC_ENTRIES = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives', 'localtime', 'timezone', 'mime.types', 'ssl', 'ca-certificates', 'nsswitch.conf'];

/** Files written for the sandbox instead of the host's: who the user is, and that localhost is itself. */
export const SANDBOX_FILES: ReadonlyArray<{ path: string; content: string }> = [
  { path: '/etc/passwd', content: `agent:x:${SANDBOX_UID}:${SANDBOX_UID}:lemming agent:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n` },
  { path: '/etc/group', content: `agent:x:${SANDBOX_UID}:\nnogroup:x:65534:\n` },
  { path: '/etc/hosts', content: '127.0.0.1 localhost\n::1 localhost\n' },
];

/** What the host's system folders are: a folder to bind, a link to recreate, or absent. */
export type HostLayout = ReadonlyArray<{ path: string; kind: 'folder' | 'link'; target?: string }>;

/**
 * The host's system folders and the /etc entries that exist, and whether the kernel keeps keyrings
 * (it lists them in /proc/keys, which the sandbox's /proc then hides); read once per process.
 */
export function readHostLayout(): { system: HostLayout; etc: string[]; keyring: boolean } {
  const system = SYSTEM_FOLDERS.flatMap((path): HostLayout[number][] => {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat) return [];
    if (stat.isSymbolicLink()) return [{ path, kind: 'link', target: readlinkSync(path) }];
    return stat.isDirectory() ? [{ path, kind: 'folder' }] : [];
  });
  let etcNames: string[] = [];
  try {
    etcNames = readdirSync('/etc');
  } catch {
    // No /etc to speak of: the sandbox gets only the files written for it.
  }
  const etc = etcNames.filter((name) => ETC_ENTRIES.includes(name) || /^python3(\.\d+)?$/.test(name)).map((name) => `/etc/${name}`);
  return { system, etc, keyring: existsSync('/proc/keys') };
}

const MIB = 1024 * 1024;

/**
 * How memory_mb is held: by a memory cgroup over all the command's processes (shared memory and
 * tmpfs pages included), or where none can be made, by each process's address space (which counts
 * shared mappings too, but holds each process alone).
 */
export type MemoryBound = 'cgroup' | 'address-space';

/**
 * prlimit's arguments, which set a command's limits inside the sandbox before it runs the command.
 * The data limit (heap and private mappings) is kept under a cgroup too: a program that asks for too
 * much is refused its allocation (Python's MemoryError) before the cgroup must kill it.
 */
export function limitArguments(prlimit: string, limits: SandboxLimits, memory: MemoryBound = 'cgroup'): string[] {
  return [
    prlimit,
    `--nproc=${limits.max_processes}`,
    `--data=${limits.memory_mb * MIB}`,
    ...(memory === 'address-space' ? [`--as=${limits.memory_mb * MIB}`] : []),
    `--fsize=${Math.floor(limits.max_file_mb * MIB)}`,
    '--core=0',
    '--',
  ];
}

/** tmp_mb is what /tmp and /dev/shm hold together: a quarter of it for /dev/shm, the rest for /tmp (bytes). */
export function tmpSizes(tmpMb: number): { tmp: number; shm: number } {
  const total = tmpMb * MIB;
  const shm = Math.floor(total / 4);
  return { tmp: total - shm, shm };
}

/**
 * bwrap's options for a spec, and the command after them. The options are handed over on a file
 * descriptor (`--args`, as optionStream makes it), so the sandbox's own process list does not show
 * the host paths they name; the command must follow on bwrap's command line. `fileFds` are the
 * descriptors SANDBOX_FILES are read from, in order; `sources` where bwrap finds the workspace, the
 * shared one and the read-only folders when they are not where the spec says (root-staging.ts);
 * `filterFd` the seccomp filter (seccomp-filter.ts); `env` is the whole environment inside.
 */
export function bwrapArguments(
  spec: CommandSpec,
  host: { system: HostLayout; etc: readonly string[]; keyring: boolean },
  options: {
    prlimit: string;
    env: Readonly<Record<string, string>>;
    fileFds: readonly number[];
    filterFd?: number;
    sources?: { workspace: string; shared?: string; readOnly?: readonly string[] };
    memory?: MemoryBound;
  },
): { options: string[]; command: string[] } {
  const args = ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session'];
  args.push('--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID), '--hostname', 'sandbox');
  // The calls that take disk blocks without writing them and the key calls refused (seccomp-filter.ts): the disk quota's measurements keep up with what a command can take, and no keyring is reached.
  if (options.filterFd !== undefined) args.push('--seccomp', String(options.filterFd));
  args.push('--clearenv');
  for (const [name, value] of Object.entries(options.env)) args.push('--setenv', name, value);
  for (const folder of host.system) {
    if (folder.kind === 'folder') args.push('--ro-bind', folder.path, folder.path);
    else args.push('--symlink', folder.target ?? '', folder.path);
  }
  for (const entry of host.etc) args.push('--ro-bind-try', entry, entry);
  SANDBOX_FILES.forEach((file, index) => args.push('--ro-bind-data', String(options.fileFds[index]), file.path));
  const sizes = tmpSizes(spec.limits.tmp_mb);
  args.push('--proc', '/proc');
  // /proc/keys lists the keys of the keyring a command inherits (their names, not their contents), which no call can reach (seccomp-filter.ts): hidden behind an unreadable node.
  if (host.keyring) args.push('--ro-bind', '/dev/null', '/proc/keys');
  // /dev holds bwrap's devices and nothing a command may add: its tmpfs (as large as half the host's memory) is made read-only, /dev/shm a sized tmpfs of its own.
  args.push('--dev', '/dev', '--size', String(sizes.shm), '--tmpfs', '/dev/shm', '--remount-ro', '/dev');
  args.push('--size', String(sizes.tmp), '--tmpfs', '/tmp');
  args.push('--bind', options.sources?.workspace ?? spec.workspace, WORKSPACE_PATH);
  if (spec.shared) args.push(spec.shared.writable ? '--bind' : '--ro-bind', options.sources?.shared ?? spec.shared.path, SHARED_PATH);
  (spec.readOnly ?? []).forEach((path, index) => args.push('--ro-bind-try', options.sources?.readOnly?.[index] ?? path, path));
  // Built: the root itself (a tmpfs of bwrap's) becomes read-only, so nothing can be written beside the binds.
  args.push('--remount-ro', '/');
  args.push('--chdir', WORKSPACE_PATH);
  return { options: args, command: [...limitArguments(options.prlimit, spec.limits, options.memory), ...spec.argv] };
}

/**
 * The options of root's first stage (root-staging.ts), read from its `--args` descriptor: the
 * host's tree as it is (devices included: the sandbox binds /dev/null from it), a tmpfs over /run
 * (which exists on every Linux this runs on) where the spec's folders are bound again at
 * `sources`. bwrap makes the folders above a bind 0700 when it runs as root: the stage is made
 * passable first. A pid namespace of its own: its first process dies with lemming
 * (--die-with-parent), and every process below with it, the sandbox's bwrap included (which,
 * having changed its user, keeps no parent-death signal of its own).
 */
export function stageOptions(spec: Pick<CommandSpec, 'workspace' | 'shared' | 'readOnly'>, sources: StagedSources): string[] {
  const options = ['--dev-bind', '/', '/', '--tmpfs', '/run', '--perms', '0755', '--dir', STAGE, '--unshare-pid', '--die-with-parent', '--chdir', '/'];
  options.push('--bind', spec.workspace, sources.workspace);
  if (spec.shared && sources.shared) options.push('--bind', spec.shared.path, sources.shared);
  (spec.readOnly ?? []).forEach((path, index) => options.push('--ro-bind-try', path, sources.readOnly[index] ?? path));
  return options;
}
