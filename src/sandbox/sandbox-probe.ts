import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { readHostLayout } from './bwrap-arguments.js';
import type { Isolation, SandboxLimits } from './command-spec.js';
import { cgroupSupport } from './command-cgroup.js';
import { launch, type SandboxTools } from './launch-command.js';
import { commandHostIdentity, handToCommands } from './sandbox-identity.js';
import { filterMissing } from './seccomp-filter.js';
import { environment } from '../invocation.js';

/**
 * What the sandbox runs with on this machine, or the one line that says why commands cannot run
 * here. `weaker` says, when no cgroup can hold a limit, what holds it instead; `unfiltered`, when
 * the seccomp filter cannot be applied here, what a command is not refused (each a warning of
 * `lemming validate` and every run).
 */
export type SandboxReadiness = ({ ready: true; weaker?: string; unfiltered?: string } & SandboxTools) | { ready: false; problem: string };

/** What every "cannot run" line ends with: the tools it concerns. */
const NOT_OFFERED = 'so run_command and the org\'s command tools are not offered';

/** A program on the PATH (or in /usr/bin), as an absolute path. `LEMMING_BWRAP` names bwrap itself, for a bwrap elsewhere. */
function findProgram(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (name === 'bwrap' && env.LEMMING_BWRAP !== undefined) return executable(env.LEMMING_BWRAP) ? env.LEMMING_BWRAP : undefined;
  const folders = [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/bin'];
  for (const folder of folders) {
    const path = join(folder, name);
    if (executable(path)) return path;
  }
  return undefined;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const TRIAL_LIMITS: SandboxLimits = { timeout_ms: 10_000, max_output_bytes: 4096, memory_mb: 256, max_processes: 64, tmp_mb: 1, max_file_mb: 1, disk_mb: 1, max_files: 100 };

/** Run `/bin/true` in a sandbox made as real ones are: the one way to know that namespaces can be made here. */
async function trial(tools: SandboxTools): Promise<string | undefined> {
  const workspace = mkdtempSync(join(tmpdir(), 'lemming-sandbox-probe-'));
  try {
    if (tools.asRoot) handToCommands(workspace, commandHostIdentity(undefined));
    const result = await launch(tools, { argv: ['/bin/true'], workspace, limits: TRIAL_LIMITS, isolation: 'bwrap' });
    if (result.exitCode === 0) return undefined;
    return (result.stderr.trim().split('\n')[0] ?? '') || `bwrap exited with ${result.exitCode ?? result.signal}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

let cached: { key: string; readiness: Promise<SandboxReadiness> } | undefined;

/**
 * What holds memory_mb, max_processes and the disk quota where a cgroup controller cannot be used, or undefined when
 * all are held by a cgroup.
 */
function weakerLimits(problems: ReadonlyMap<string, string>): string | undefined {
  const memory = problems.get('memory');
  const pids = problems.get('pids');
  const freezer = problems.get('freezer');
  if (memory === undefined && pids === undefined && freezer === undefined) return undefined;
  const parts: string[] = [];
  if (memory !== undefined) {
    parts.push(
      `memory_mb holds each process alone, by its address space (prlimit --as), not all of a command's processes, /tmp and /dev/shm together, and memory no address space holds is refused (memfd_create, memfd_secret, System V shmat), since ${memory}; programs that reserve much address space need more (Node: memory_mb of 1024 or more)`,
    );
  }
  if (pids !== undefined) parts.push(`max_processes is held by RLIMIT_NPROC inside the sandbox's user namespace alone, since ${pids}`);
  if (freezer !== undefined) parts.push(`the disk quota measures a command's folders while it goes on writing, not holding it still, so it may end further past disk_mb and max_files, since ${freezer}`);
  return `${parts.join('; ')}; give lemming a writable (delegated) cgroup to hold them by a cgroup`;
}

/**
 * Can commands run here, and with what? Checked once per process (a trial sandbox, some
 * milliseconds): bwrap and prlimit are found, bwrap makes its namespaces (as root: started as the
 * sandbox's unprivileged identity), and which cgroup controllers hold a command's limits. With
 * `isolation: none` only prlimit is needed.
 */
export function sandboxReadiness(isolation: Isolation, env: Readonly<Record<string, string | undefined>> = environment()): Promise<SandboxReadiness> {
  const key = `${isolation}\n${env.LEMMING_BWRAP ?? ''}\n${env.PATH ?? ''}`;
  if (cached?.key === key) return cached.readiness;
  const readiness = check(isolation, env);
  cached = { key, readiness };
  return readiness;
}

async function check(isolation: Isolation, env: NodeJS.ProcessEnv): Promise<SandboxReadiness> {
  if (process.platform !== 'linux') return { ready: false, problem: `commands run only on Linux (this is ${process.platform}), ${NOT_OFFERED}` };
  const prlimit = findProgram('prlimit', env);
  if (!prlimit) return { ready: false, problem: `prlimit is not installed, ${NOT_OFFERED}; install util-linux (apt-get install util-linux)` };
  const asRoot = process.getuid?.() === 0;
  const host = readHostLayout();
  if (isolation === 'none') return { ready: true, bwrap: '', prlimit, asRoot, host, isolation, cgroups: [] };
  const bwrap = findProgram('bwrap', env);
  if (!bwrap) return { ready: false, problem: `bwrap is not installed, ${NOT_OFFERED}; install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap)` };
  const setpriv = findProgram('setpriv', env);
  const envProgram = findProgram('env', env);
  if (asRoot && (!setpriv || !envProgram)) {
    return { ready: false, problem: `lemming runs as root and setpriv is not installed, so no command can be started as an unprivileged user, ${NOT_OFFERED}; install util-linux (apt-get install util-linux), or run lemming as an ordinary user` };
  }
  const support = cgroupSupport();
  const tools: SandboxTools = { bwrap, prlimit, asRoot, host, isolation, cgroups: support.usable, ...(asRoot ? { setpriv, env: envProgram } : {}) };
  const failed = await trial(tools);
  if (failed !== undefined) {
    return {
      ready: false,
      problem: `bwrap cannot make its namespaces here (${failed}), ${NOT_OFFERED}; allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 an AppArmor profile for bwrap)`,
    };
  }
  const weaker = weakerLimits(support.problems);
  const unfiltered = filterMissing();
  return { ready: true, ...tools, ...(weaker ? { weaker } : {}), ...(unfiltered ? { unfiltered } : {}) };
}
