import { spawn } from 'node:child_process';
import { tether } from '../../process-tether.js';
import { killQuietly } from '../../process-kill.js';
import { onAbort } from '../abort-listeners.js';

/**
 * One run of a program: what to start, where, with what environment, and what it reads on stdin.
 * A sandbox (bubblewrap) can wrap a spec into another before it is run: the runner needs no change.
 */
export interface ProgramSpec {
  /** An absolute path (see find-program.ts). */
  program: string;
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  input: string;
}

/** The limits a run is held to. */
export interface ProgramLimits {
  timeoutMs: number;
  /** Bytes of stdout; past this the run is stopped. */
  maxOutputBytes: number;
  signal?: AbortSignal;
}

/** How a run ended. A program stopped by lemming (`timeout`, `output-cap`, `aborted`) has its whole process group killed. */
export type ProgramOutcome =
  | { kind: 'exited'; code: number; stdout: Buffer; stderr: string }
  | { kind: 'killed'; signal: string; stdout: Buffer; stderr: string }
  | { kind: 'timeout'; stderr: string }
  | { kind: 'output-cap'; stderr: string }
  | { kind: 'aborted' }
  | { kind: 'not-started'; reason: string };

/** How much of stderr is kept for an error message: its end, where a program says why it stopped. */
const STDERR_TAIL = 2_000;

/** After SIGTERM, how long a process group gets to finish before SIGKILL. */
const GRACE_MS = 2_000;

/**
 * Run a program in a process group of its own, feed it its input, and collect what it writes.
 * The group is killed (SIGTERM, then SIGKILL) when the time is up, when stdout passes its cap,
 * when `signal` aborts (Ctrl-C), and when the program exits (whatever it started in the
 * background goes with it); and with SIGKILL if this process ends first, by SIGKILL too (process-tether.ts). Never throws.
 */
export function runProgram(spec: ProgramSpec, limits: ProgramLimits): Promise<ProgramOutcome> {
  if (limits.signal?.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(spec.program, [...spec.args], { cwd: spec.cwd, env: { ...spec.env }, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ kind: 'not-started', reason: (error as Error).message });
      return;
    }
    const pid = child.pid;
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let stopped: 'timeout' | 'output-cap' | 'aborted' | undefined;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    // Tied to this process: a worker or a run killed, even by SIGKILL, takes the program's group with it (process-tether.ts).
    const untie = pid === undefined ? () => undefined : tether(pid);

    const stop = (why: 'timeout' | 'output-cap' | 'aborted'): void => {
      if (stopped || pid === undefined) return;
      stopped = why;
      killQuietly(-pid, 'SIGTERM');
      graceTimer = setTimeout(() => killQuietly(-pid), GRACE_MS);
      graceTimer.unref();
    };
    const timer = setTimeout(() => stop('timeout'), limits.timeoutMs);
    const stopListening = limits.signal ? onAbort(limits.signal, () => stop('aborted')) : () => undefined;
    const finish = (outcome: ProgramOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      stopListening();
      if (pid !== undefined) {
        // Whatever the program left running in its group ends with the call.
        killQuietly(-pid);
      }
      untie();
      resolve(outcome);
    };

    child.stdout?.on('data', (chunk: Buffer) => {
      if (stopped) return;
      size += chunk.length;
      if (size > limits.maxOutputBytes) stop('output-cap');
      else chunks.push(chunk);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    // A program that exits without reading its input closes the pipe under the write: that is its business.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(spec.input);
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (pid === undefined) finish({ kind: 'not-started', reason: error.code === 'ENOENT' ? 'no such program' : error.code === 'EACCES' ? 'not allowed to run it (is it executable?)' : error.message });
    });
    // The main process has exited: its group goes too, so no child of it keeps the pipes open.
    child.once('exit', () => {
      if (pid !== undefined) killQuietly(-pid);
    });
    child.once('close', (code, signal) => {
      if (stopped === 'aborted') return finish({ kind: 'aborted' });
      if (stopped === 'timeout') return finish({ kind: 'timeout', stderr });
      if (stopped === 'output-cap') return finish({ kind: 'output-cap', stderr });
      const stdout = Buffer.concat(chunks);
      if (code === null) return finish({ kind: 'killed', signal: signal ?? 'unknown', stdout, stderr });
      return finish({ kind: 'exited', code, stdout, stderr });
    });
  });
}
