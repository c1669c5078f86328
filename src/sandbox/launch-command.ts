import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Writable } from 'node:stream';
import { allocationFilter } from './allocation-filter.js';
import { bwrapArguments, limitArguments, SANDBOX_FILES, type readHostLayout } from './bwrap-arguments.js';
import type { CommandResult, CommandSpec, Isolation, StoppedBy } from './command-spec.js';
import { makePidsCgroup, type PidsCgroup } from './pids-cgroup.js';
import { sandboxEnvironment } from './sandbox-environment.js';

/** The programs and facts a sandbox is made with on this machine (see sandbox-probe.ts). */
export interface SandboxTools {
  bwrap: string;
  prlimit: string;
  /** lemming runs as root: the process count is held by a pids cgroup (pids-cgroup.ts). */
  asRoot: boolean;
  host: ReturnType<typeof readHostLayout>;
  isolation: Isolation;
}

/** Descriptors of the sandbox's process: 3 carries bwrap's arguments, 4 to 6 the files written for it. */
const ARGS_FD = 3;
const FILE_FDS = [4, 5, 6];
/** The descriptor the allocation filter is read from (allocation-filter.ts), after them. */
const FILTER_FD = 7;

function signalName(code: number): string | null {
  const found = Object.entries(constants.signals).find(([, number]) => number === code);
  return found ? found[0] : null;
}

/** The program to start, its arguments, how, and what to hand it on its extra descriptors. */
function plan(tools: SandboxTools, spec: CommandSpec): { program: string; args: string[]; cwd?: string; env: Record<string, string>; extra: Array<string | Uint8Array>; cgroup?: PidsCgroup } {
  if (spec.isolation === 'none') {
    // No isolation, by the org's explicit choice: the limits and the clean environment still hold.
    const env = { ...sandboxEnvironment({ shared: spec.shared !== undefined, workspace: spec.workspace, ...(spec.shared ? { shareDir: spec.shared.path } : {}) }), ...spec.env };
    const [program, ...args] = [...limitArguments(tools.prlimit, spec.limits), ...spec.argv];
    return { program: program ?? tools.prlimit, args, cwd: spec.workspace, env, extra: [] };
  }
  const env = { ...sandboxEnvironment({ shared: spec.shared !== undefined }), ...spec.env };
  const filter = allocationFilter();
  const inner = bwrapArguments(spec, tools.host, { prlimit: tools.prlimit, env, fileFds: FILE_FDS, ...(filter ? { filterFd: FILTER_FD } : {}) });
  const extra: Array<string | Uint8Array> = [`${inner.options.join('\0')}\0`, ...SANDBOX_FILES.map((file) => file.content), ...(filter ? [filter] : [])];
  const bwrapArgs = ['--args', String(ARGS_FD), '--', ...inner.command];
  if (!tools.asRoot) return { program: tools.bwrap, args: bwrapArgs, env: {}, extra };
  // Root: bwrap and all it starts go into a cgroup that counts them, entered before bwrap runs.
  const cgroup = makePidsCgroup(spec.limits.max_processes + 2);
  if ('problem' in cgroup) throw new Error(cgroup.problem);
  return { program: '/bin/sh', args: ['-c', 'echo $$ > "$0" && exec "$@"', cgroup.procs, tools.bwrap, ...bwrapArgs], env: {}, extra, cgroup };
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
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/**
 * Run one command as `tools` say, under the spec's limits, and say what happened. The process
 * leads a new group that is killed whole when the command ends, when a limit is passed, or when
 * the spec's signal fires; under bwrap every process of the sandbox dies with it too (its pid
 * namespace ends with its first process), and with lemming if lemming is killed (--die-with-parent).
 */
export function launch(tools: SandboxTools, spec: CommandSpec): Promise<CommandResult> {
  const how = plan(tools, spec);
  const started = performance.now();
  return new Promise<CommandResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(how.program, how.args, {
        ...(how.cwd ? { cwd: how.cwd } : {}),
        env: how.env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe', ...how.extra.map(() => 'pipe' as const)],
      });
    } catch (error) {
      void how.cgroup?.remove();
      reject(error);
      return;
    }
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
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Nothing was left.
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      void (how.cgroup?.remove() ?? Promise.resolve()).then(() => reject(error));
    });
    child.on('close', async (code, signal) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
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
