/**
 * The sandbox's one interface: a command spec in, a result out (run-sandboxed.ts). Nothing here
 * knows about agents, tools or the org; the tools that run commands (tools/commands/) make a spec
 * from a call and read its result.
 */

/** The limits one command runs under. Every field is required here; org.yaml and resumes give them (engine.sandbox). */
export interface SandboxLimits {
  /** Wall time, from start to the last process gone. */
  timeout_ms: number;
  /** The most bytes kept of stdout, and of stderr; a command that writes more on either is stopped there. */
  max_output_bytes: number;
  /**
   * The most memory the command may hold, in MiB: all its processes together, shared memory and what
   * /tmp and /dev/shm hold included, where a memory cgroup can be made (command-cgroup.ts); else each
   * process's address space. Each process's private allocations are refused past it too.
   */
  memory_mb: number;
  /** The most processes and threads at once inside the sandbox. */
  max_processes: number;
  /** What the sandbox's private /tmp and /dev/shm hold together, in MiB (a quarter of it is /dev/shm's). */
  tmp_mb: number;
  /** The largest file a process may write, in MiB (the quota's wrapper lowers it to the room left, so it may be a fraction). */
  max_file_mb: number;
  /** The disk quota of each folder the command may write (its workspace, the shared one when writable), in MiB (disk-quota.ts). */
  disk_mb: number;
  /** The entries (files, folders, links) each folder the command may write may hold, with disk_mb its quota (disk-quota.ts). */
  max_files: number;
}

/** How a command is isolated: `bwrap` (the default), or `none` when an org opted out in org.yaml. */
export type Isolation = 'bwrap' | 'none';

/** One command to run. */
export interface CommandSpec {
  /** The program and its arguments, run as they are: a shell line is `['/bin/sh', '-c', line]`. */
  argv: string[];
  /** Given on standard input, then closed; nothing when absent. */
  stdin?: string;
  /** The host folder seen read-write at /workspace (it must exist); the command starts there. */
  workspace: string;
  /** The host folder seen at /shared, and whether the command may change it. */
  shared?: { path: string; writable: boolean };
  /** Further host folders seen read-only at the same path (org.yaml engine.sandbox.read_only). */
  readOnly?: readonly string[];
  /** Variables added to the clean environment (sandbox-environment.ts); they never come from lemming's own. */
  env?: Readonly<Record<string, string>>;
  limits: SandboxLimits;
  isolation: Isolation;
  /** The host user and group the command runs as when lemming is root (sandbox-identity.ts; `nobody` when absent). Never uid 0. */
  runAs?: { uid: number; gid: number };
  /** Stops the command early (the run is stopping): killed like a timeout, and said so. */
  signal?: AbortSignal;
}

/** Which limit stopped a command, when one did. */
export type StoppedBy = 'timeout' | 'stdout' | 'stderr' | 'stopped' | 'quota' | 'memory';

/** What came back: exactly what happened, for the tool to word for the model. */
export interface CommandResult {
  /** The exit code, or null when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it (SIGKILL for a limit lemming enforced), when one did. */
  signal: string | null;
  /** The first max_output_bytes of each stream, as text. */
  stdout: string;
  stderr: string;
  /** How many bytes each stream had in all (more than kept when a cap was reached). */
  stdoutBytes: number;
  stderrBytes: number;
  durationMs: number;
  /** Set when lemming stopped it at a limit, or because the run was stopping. */
  stoppedBy?: StoppedBy;
  /** A folder it may write that was at or over its disk quota, before it started (then it did not run) or once it ended. */
  disk?: DiskQuotaMet;
}

/** A folder found at or over its quota (engine.sandbox.disk_mb and max_files). */
export interface DiskQuotaMet {
  /** Which folder: the agent's workspace, or the org's shared one. */
  folder: 'workspace' | 'shared';
  /**
   * What was met: its bytes (disk_mb), its entries (more than max_files), or an entry no reader of
   * the folder takes (`entry`: a file larger than the quota, a folder nested too deep, a path too long).
   */
  met: 'bytes' | 'files' | 'entry';
  /** What it takes on disk (allocated blocks), in bytes, as far as the measurement went. */
  usedBytes: number;
  quotaBytes: number;
  /** engine.sandbox.max_files. */
  maxFiles: number;
  /** For `entry`: the entry and why, as the walker says it (`deep/… (a folder nested too deep)`). */
  entry?: string;
  /** It was past its quota when the command started: the command could remove files, and write none. */
  startedPast?: true;
  /** With `startedPast`: the command brought it back within its quota. */
  cleared?: true;
}
