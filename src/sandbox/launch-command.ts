import { spawn, type ChildProcess } from 'node:child_process';
import { constants, getPriority, setPriority } from 'node:os';
import type { Writable } from 'node:stream';
import { bwrapArguments, limitArguments, SANDBOX_FILES, stageOptions, type MemoryBound, type readHostLayout } from './bwrap-arguments.js';
import { makeCommandCgroup, type CommandCgroup, type CommandHold, type Controller } from './command-cgroup.js';
import type { CommandResult, CommandSpec, Isolation, StoppedBy } from './command-spec.js';
import { sandboxEnvironment } from './sandbox-environment.js';
import { rootStage } from './root-staging.js';
import { seccompFilter } from './seccomp-filter.js';
import { commandHostIdentity } from './sandbox-identity.js';
import { optionStream, refuseUnsafeWords } from './sandbox-words.js';
import { tether } from '../process-tether.js';
import { killQuietly } from '../process-kill.js';

/** The programs and facts a sandbox is made with on this machine (see sandbox-probe.ts). */
export interface SandboxTools {
  bwrap: string;
  prlimit: string;
  /** lemming runs as root: the sandbox is started as the unprivileged identity of sandbox-identity.ts (root-staging.ts). */
  asRoot: boolean;
  /** setpriv and env, which root's first stage drops to the identity with; found when asRoot. */
  setpriv?: string;
  env?: string;
  host: ReturnType<typeof readHostLayout>;
  isolation: Isolation;
  /** The controllers each command's cgroup holds it to (command-cgroup.ts); none where no cgroup can be made. */
  cgroups: readonly Controller[];
}

/**
 * Descriptors of the sandbox's process: 3 carries the sandbox bwrap's options, 4 to 6 the files
 * written for it, 7 the options of root's first stage, then (7 or 8) the seccomp filter.
 */
const ARGS_FD = 3;
const FILE_FDS = [4, 5, 6];
const STAGE_ARGS_FD = 7;

function signalName(code: number): string | null {
  const found = Object.entries(constants.signals).find(([, number]) => number === code);
  return found ? found[0] : null;
}

/** What holds memory_mb here: the cgroup where it has the memory controller, each process's address space otherwise. */
export function memoryBound(tools: Pick<SandboxTools, 'cgroups'>): MemoryBound {
  return tools.cgroups.includes('memory') ? 'cgroup' : 'address-space';
}

/** How to start a command: the program, its arguments, what to hand it on its descriptors. */
interface Plan {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Texts (and the filter's bytes) written to descriptors 3 on, in order. */
  extra: Array<string | Uint8Array>;
  cgroup?: CommandCgroup;
}

/**
 * The program to start, its arguments, how, and what to hand it. Throws a SandboxRefusal (before
 * anything is made) when a word of the spec holds a NUL.
 */
function plan(tools: SandboxTools, spec: CommandSpec): Plan {
  refuseUnsafeWords(spec);
  if (spec.isolation === 'none') {
    // No isolation, by the org's explicit choice: the limits and the clean environment still hold.
    const env = { ...sandboxEnvironment({ shared: spec.shared !== undefined, workspace: spec.workspace, ...(spec.shared ? { shareDir: spec.shared.path } : {}) }), ...spec.env };
    const [program, ...args] = [...limitArguments(tools.prlimit, spec.limits, 'address-space'), ...spec.argv];
    return { program: program ?? tools.prlimit, args, cwd: spec.workspace, env, extra: [] };
  }
  const identity = tools.asRoot ? commandHostIdentity(spec.runAs) : undefined;
  if (identity && (!tools.setpriv || !tools.env)) throw new Error('lemming runs as root and setpriv is not installed, so no command can be started as an unprivileged user');
  const stage = identity && tools.setpriv && tools.env ? rootStage(spec, identity, { bwrap: tools.bwrap, setpriv: tools.setpriv, env: tools.env }) : undefined;
  const env = { ...sandboxEnvironment({ shared: spec.shared !== undefined }), ...spec.env };
  const filter = seccompFilter(process.arch, memoryBound(tools));
  // The seccomp filter (seccomp-filter.ts) is read from the descriptor after the others: 7, or 8 after root's stage options.
  const filterFd = stage ? STAGE_ARGS_FD + 1 : STAGE_ARGS_FD;
  const inner = bwrapArguments(spec, tools.host, {
    prlimit: tools.prlimit,
    env,
    fileFds: FILE_FDS,
    memory: memoryBound(tools),
    ...(filter ? { filterFd } : {}),
    ...(stage ? { sources: stage.sources } : {}),
  });
  const extra: Array<string | Uint8Array> = [optionStream(spec, inner.options), ...SANDBOX_FILES.map((file) => file.content)];
  const sandboxArgs = ['--args', String(ARGS_FD), '--', ...inner.command];
  let args = sandboxArgs;
  if (stage) {
    extra.push(optionStream(spec, stageOptions(spec, stage.sources)));
    args = ['--args', String(STAGE_ARGS_FD), '--', ...stage.prefix, ...sandboxArgs];
  }
  if (filter) extra.push(filter);
  let cgroup: CommandCgroup | undefined;
  if (tools.cgroups.length > 0) {
    // Three processes more than the command's own: the bwraps and the sandbox's first process.
    const made = makeCommandCgroup({ maxProcesses: spec.limits.max_processes + 3, memoryBytes: spec.limits.memory_mb * 1024 * 1024 });
    if (made && 'problem' in made) throw new Error(made.problem);
    cgroup = made;
  }
  // bwrap starts in / with no environment at all: nothing of lemming's reaches the sandbox's first process, pid 1 inside.
  return { program: tools.bwrap, args, cwd: '/', env: {}, extra, ...(cgroup ? { cgroup } : {}) };
}

/** Write a text to a pipe and close it; a process that exits without reading it is no error. */
function feed(stream: Writable | null | undefined, text: string | Uint8Array): void {
  if (!stream) return;
  stream.on('error', () => undefined);
  stream.end(text);
}

/** Kill a process and its whole group (it leads a new one); quietly, when it is gone already. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  if (!killQuietly(-child.pid)) child.kill('SIGKILL');
}

/**
 * Run one command as `tools` say, under the spec's limits, and say what happened. The process
 * leads a new group that is killed whole when the command ends, when a limit is passed, or when
 * the spec's signal fires; under bwrap every process of the sandbox dies with it too (its pid
 * namespace ends with its first process), and with lemming if lemming is killed (--die-with-parent).
 * `held` is given a way to hold all its processes still, once they are in their cgroup, where the
 * cgroup has a freezer (the disk quota measures with it).
 */
export function launch(tools: SandboxTools, spec: CommandSpec, held?: (hold: CommandHold) => void): Promise<CommandResult> {
  const how = plan(tools, spec);
  const started = performance.now();
  return new Promise<CommandResult>((resolve, reject) => {
    let spawned: ChildProcess | undefined;
    try {
      spawned = spawn(how.program, how.args, {
        cwd: how.cwd,
        env: how.env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe', ...how.extra.map(() => 'pipe' as const)],
      });
      // bwrap waits for its options on its descriptor before it does anything: it enters the cgroup before a single process of the command exists.
      if (spawned.pid !== undefined) how.cgroup?.enter(spawned.pid);
      // And yields the CPU to lemming, it and all it starts: the disk quota's glances (disk-quota.ts) are timers of lemming's
      // thread, and on a machine short of CPU a command writing at page-cache speed got a glance's lateness of writes past
      // its quota (262 MiB against 64 in a test suite's run); at a lower priority it is the command that waits.
      if (spawned.pid !== undefined) yieldCpu(spawned.pid);
      if (how.cgroup?.controllers.includes('freezer')) held?.(how.cgroup);
    } catch (error) {
      if (spawned) killGroup(spawned);
      void how.cgroup?.remove();
      reject(error);
      return;
    }
    const child = spawned;
    // Under bwrap, --die-with-parent takes the sandbox with lemming however lemming ends; `isolation: none` has only the tether (process-tether.ts).
    const untie = child.pid === undefined || spec.isolation !== 'none' ? () => undefined : tether(child.pid);
    let stoppedBy: StoppedBy | undefined;
    const stop = (reason: StoppedBy): void => {
      if (stoppedBy !== undefined) return;
      stoppedBy = reason;
      killGroup(child);
    };
    const streams = { stdout: { chunks: [] as Buffer[], kept: 0, total: 0 }, stderr: { chunks: [] as Buffer[], kept: 0, total: 0 } };
    for (const name of ['stdout', 'stderr'] as const) {
      const kept = streams[name];
      child[name]?.on('data', (chunk: Buffer) => {
        kept.total += chunk.length;
        const room = spec.limits.max_output_bytes - kept.kept;
        if (room > 0) {
          const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
          kept.chunks.push(part);
          kept.kept += part.length;
        }
        if (kept.total > spec.limits.max_output_bytes) stop(name);
      });
    }
    how.extra.forEach((text, index) => feed(child.stdio[ARGS_FD + index] as Writable | null, text));
    feed(child.stdin, spec.stdin ?? '');
    const timer = setTimeout(() => stop('timeout'), spec.limits.timeout_ms);
    const onAbort = (): void => stop('stopped');
    if (spec.signal?.aborted) onAbort();
    spec.signal?.addEventListener('abort', onAbort);
    // The command is done: whatever it left running in its group goes with it.
    child.on('exit', () => {
      if (child.pid !== undefined) killQuietly(-child.pid);
    });
    child.on('error', (error) => {
      untie();
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      void (how.cgroup?.remove() ?? Promise.resolve()).then(() => reject(error));
    });
    child.on('close', async (code, signal) => {
      untie();
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      if (stoppedBy === undefined && how.cgroup?.outOfMemory()) stoppedBy = 'memory';
      await how.cgroup?.remove();
      // bwrap passes on a command's death by signal N as exit status 128 + N.
      const byBwrap = spec.isolation === 'bwrap' && code !== null && code > 128 ? signalName(code - 128) : null;
      resolve({
        exitCode: code,
        signal: signal ?? byBwrap,
        stdout: Buffer.concat(streams.stdout.chunks).toString('utf8'),
        stderr: Buffer.concat(streams.stderr.chunks).toString('utf8'),
        stdoutBytes: streams.stdout.total,
        stderrBytes: streams.stderr.total,
        durationMs: performance.now() - started,
        ...(stoppedBy ? { stoppedBy } : {}),
      });
    });
  });
}

/** How much lower than lemming's a command's CPU priority is (a nice value; any user may lower its own processes'). */
const COMMAND_NICENESS = 10;

function yieldCpu(pid: number): void {
  try {
    setPriority(pid, Math.min(19, getPriority(pid) + COMMAND_NICENESS));
  } catch {
    // Gone already, or not ours to change: it runs at lemming's priority.
  }
}
