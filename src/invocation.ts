/*
 * What a process gives the command it runs, for the code that would otherwise ask the process:
 * the environment (model keys, PATH, LEMMING_BWRAP, …) and the working folder. The CLI's `main`
 * (cli/program.ts) sets them for the command it runs; the binary gives its own process's, and a
 * test that runs commands in its own process (tests/helpers/cli.ts) gives each command its own,
 * so one command's variables or folder never reach the next, and nothing changes process.env or
 * calls process.chdir. Outside a command (the library used directly, the dashboard's threads)
 * they are the process's.
 *
 * A command started in-process must also not see what an earlier one left in this process: the
 * secrets it registered, the caches kept by org root. Modules that keep such state say how to
 * forget it (`forgetAtNextCommand`), and `main` forgets it before each command, as a new process
 * would start without it. One command runs at a time in a thread (`enterCommand` refuses a
 * second): the CLI's program is one object, and this state is the thread's.
 *
 * What is forgotten: the set of secrets (secrets/secrets.ts), the files taken in and the messages
 * this process wrote (taken-files.ts, written-messages.ts), the logs appended to, the notes and
 * proposals parsed (agent-log.ts, agent-memory.ts, proposal-store.ts), the routing rules last valid
 * and told (plan-routing.ts), the journals left open (journal.ts, closed) and a storage failure
 * seen (storage-error.ts). What is kept, being the same for every command of this machine: parsed
 * schemas and modules loaded, the sandbox's probe (keyed by PATH and LEMMING_BWRAP), whether git
 * runs (keyed by PATH), the cgroups found. What stays with the process, so a test runs the binary
 * for it: LEMMING_CRASH_AT and LEMMING_STORAGE_FAULT (read when the process starts; their faults
 * kill it), signals, a terminal, V8's heap settings (`ownsProcess` in cli/cli-context.ts), and the
 * pid that names a lock, a temporary or a cgroup (a temporary and a cgroup carry the thread too,
 * so commands in threads of one process leave each other's alone).
 */

import { resolve } from 'node:path';

/** The environment and working folder a command runs with. */
export interface Invocation {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

let current: Invocation | undefined;
const forgetters = new Set<() => void>();

/** The environment of the command running in this thread, else the process's. */
export function environment(): Readonly<Record<string, string | undefined>> {
  return current?.env ?? process.env;
}

/** The working folder of the command running in this thread, else the process's. */
export function workingFolder(): string {
  return current?.cwd ?? process.cwd();
}

/**
 * A folder or file a person named, as an absolute path: a relative one is taken from the working
 * folder (the command's, else the process's), as a shell takes it; an absolute one as it is. The one
 * rule for the CLI's `--root` and for every root and path the library is given: a relative root must
 * not stay relative, since what later reads it may do so from another folder (bwrap starts in `/`,
 * so a relative workspace was "Can't find source path").
 */
export function fromWorkingFolder(path: string): string {
  return resolve(workingFolder(), path);
}

/**
 * State of this module that a new process would not have: `forget` is called before every command
 * that `main` runs, the first included (where it finds nothing to forget). Call it once, when the
 * module loads.
 */
export function forgetAtNextCommand(forget: () => void): void {
  forgetters.add(forget);
}

/** Start a command with its own environment and folder, after forgetting what earlier commands left; the returned function ends it. */
export function enterCommand(invocation: Invocation): () => void {
  if (current !== undefined) throw new Error('a command is already running in this thread: run one at a time, or each in a thread of its own');
  for (const forget of forgetters) forget();
  current = invocation;
  return () => {
    current = undefined;
  };
}
