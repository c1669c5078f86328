import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { builtScript } from './built-script.js';
import { killQuietly } from './process-kill.js';

/*
 * The processes lemming starts and must not outlive it: agent programs (providers/command/run-program.ts)
 * and stdio MCP servers (tools/mcp/mcp-connection.ts). Node 20 has no PR_SET_PDEATHSIG, and an exit hook
 * runs only when the process exits by itself; a SIGKILL (the OOM killer, `kill -9`, a supervisor past its
 * grace) runs nothing. So each process that starts one also starts one watchdog (process-watchdog.ts):
 * a small Node process in a process group of its own (a Ctrl-C at the terminal does not reach it), which
 * reads the pids lemming tells it on its standard input. Lemming gone however it went, the kernel closes that pipe; the
 * watchdog reads its end and SIGKILLs what is still registered, the process, its process group (an
 * agent program leads one) and every descendant /proc shows, then exits. A process that left both
 * (a new session and a double fork, as a daemon does) is not reached: only a sandbox's pid namespace
 * (sandbox/bwrap-arguments.ts, --die-with-parent) holds that.
 */

/** Pids registered now: killed by the exit hook if this process exits with them still running. */
const held = new Set<number>();
let watchdog: { child: ChildProcess; input: Writable } | undefined;
let exitHookInstalled = false;

/** The process and its group (it may lead none). */
function killNow(pid: number): void {
  killQuietly(-pid);
  killQuietly(pid);
}

/** The watchdog, started the first time a process is tethered; undefined where it cannot be started. */
function startedWatchdog(): Writable | undefined {
  if (watchdog && watchdog.child.exitCode === null && watchdog.child.signalCode === null) return watchdog.input;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [fileURLToPath(builtScript('./process-watchdog.js', import.meta.url))], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: {} });
  } catch {
    return undefined;
  }
  const input = child.stdin as Writable;
  // A watchdog that died leaves the write to fail: the exit hook still covers an ordinary exit.
  input.on('error', () => undefined);
  child.on('error', () => undefined);
  // It keeps nothing alive: a process with nothing else to do exits, and the watchdog reads the end of its input.
  child.unref();
  (input as unknown as { unref?: () => void }).unref?.();
  watchdog = { child, input };
  return input;
}

/**
 * Tie `pid` to this process: if this process ends, whichever way (an exit, an uncaught error, a
 * SIGKILL), the process, its group and its descendants are killed. Returns the untie, for when the
 * process has ended by itself or been stopped.
 */
export function tether(pid: number): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const one of held) killNow(one);
    });
  }
  held.add(pid);
  startedWatchdog()?.write(`+${pid}\n`);
  return () => {
    if (!held.delete(pid)) return;
    watchdog?.input.write(`-${pid}\n`);
  };
}
