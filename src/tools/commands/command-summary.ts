/**
 * What a step line and the log keep of a command a tool ran: its exit and the sizes of what it
 * printed, never its output (that is the result, which the trace keeps) nor its duration (which
 * differs between two runs of the same command, and would make two runs' logs differ).
 */
export interface CommandSummary {
  /** The exit code, or null when a signal ended it. */
  exit: number | null;
  /** The signal that ended it, when one did. */
  signal?: string;
  stdoutBytes: number;
  stderrBytes: number;
  /** The limit lemming stopped it at, when it did. */
  stoppedBy?: string;
}
