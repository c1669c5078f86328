/*
 * The one way lemming signals a process it started, or that process's group, when it may be gone
 * already: the tether's exit hook and watchdog (process-tether.ts, process-watchdog.ts), an agent
 * program's group (providers/command/run-program.ts), a command's (sandbox/launch-command.ts) and
 * what is left in its cgroup (sandbox/command-cgroup.ts), and an MCP server (tools/mcp/mcp-connection.ts).
 */

/**
 * Send `signal` to `target`: a pid, or minus a process group's id. Quietly when there is nothing
 * left to signal: ESRCH (it is gone) and EPERM (the pid now names a process that is not ours to
 * signal, so not the one lemming started). Whether it was sent. Any other failure (a signal name
 * the system does not know) is a mistake of lemming's own, thrown.
 */
export function killQuietly(target: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
}
