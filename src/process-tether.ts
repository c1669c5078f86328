import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

/*
 * The processes lemming starts and must not outlive it: agent programs (providers/command/run-program.ts)
 * and stdio MCP servers (tools/mcp/mcp-connection.ts). Node 20 has no PR_SET_PDEATHSIG, and an exit hook
 * runs only when the process exits by itself; a SIGKILL (the OOM killer, `kill -9`, a supervisor past its
 * grace) runs nothing. So each process that starts one also starts one watchdog: a small Node process in
 * a process group of its own (a Ctrl-C at the terminal does not reach it), which reads the pids lemming
 * tells it on its standard input. Lemming gone however it went, the kernel closes that pipe; the
 * watchdog reads its end and SIGKILLs what is still registered, the process, its process group (an
 * agent program leads one) and every descendant /proc shows, then exits. A process that left both
 * (a new session and a double fork, as a daemon does) is not reached: only a sandbox's pid namespace
 * (sandbox/bwrap-arguments.ts, --die-with-parent) holds that.
 */

/** The watchdog's program, run by `node -e`: lines `+PID` and `-PID` on stdin; at its end, kill what is left. */
const WATCHDOG = `
process.title = 'lemming-watchdog';
const { readdirSync, readFileSync } = require('node:fs');
const held = new Set();
let pending = '';
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let end = pending.indexOf('\\n'); end >= 0; end = pending.indexOf('\\n')) {
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (line[0] === '+') held.add(pid);
    else held.delete(pid);
  }
});
function children() {
  const byParent = new Map();
  let names = [];
  try { names = readdirSync('/proc'); } catch {}
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) continue;
    let stat;
    try { stat = readFileSync('/proc/' + name + '/stat', 'utf8'); } catch { continue; }
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(Number(name));
  }
  return byParent;
}
process.stdin.on('end', () => {
  if (held.size > 0) {
    const byParent = children();
    const doomed = [];
    const queue = [...held];
    while (queue.length > 0) {
      const pid = queue.shift();
      if (doomed.includes(pid)) continue;
      doomed.push(pid);
      queue.push(...(byParent.get(pid) || []));
    }
    for (const pid of held) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
    for (const pid of doomed) { try { process.kill(pid, 'SIGKILL'); } catch {} }
  }
  process.exit(0);
});
`;

/** Pids registered now: killed by the exit hook if this process exits with them still running. */
const held = new Set<number>();
let watchdog: { child: ChildProcess; input: Writable } | undefined;
let exitHookInstalled = false;

function killNow(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Gone already, or it leads no group.
    }
  }
}

/** The watchdog, started the first time a process is tethered; undefined where it cannot be started. */
function startedWatchdog(): Writable | undefined {
  if (watchdog && watchdog.child.exitCode === null && watchdog.child.signalCode === null) return watchdog.input;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['-e', WATCHDOG], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: {} });
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
