import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { REPO_ROOT } from './org-files.js';

export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
/** The built program whose `main(argv, io)` the binary runs: commands run in this process go through it too. */
const PROGRAM = join(REPO_ROOT, 'dist', 'cli', 'program.js');

/**
 * A backstop against a CLI that never ends, not a limit on how long a command may take: a test
 * says its own timeout, and on a loaded machine an experiment of ten runs takes minutes. A command
 * killed by it says so in its stderr, so the failure reads as what happened.
 */
const BACKSTOP_MS = 300_000;
const BACKSTOP_SAID = `\n[test helper: killed after ${BACKSTOP_MS / 1000} s]\n`;

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/*
 * How a test runs a command. `lemming` and `lemmingAsync` run it in this process, in a thread
 * that keeps lemming's modules loaded from one command to the next (tests/helpers/cli-thread.mjs):
 * the same built program the binary runs, given the command's own streams, folder and environment
 * (`main(argv, io)` in src/cli/program.ts). A run of the binary costs a new Node process that loads
 * and compiles lemming's modules again, about 0.6 s of CPU on this machine; in the thread a command
 * costs only its own work. What only a process shows still starts the binary: `lemmingProcess` for
 * its exit code or what it prints as a process, `startLemming` for a run a test signals or kills, and
 * every command given a variable that acts on the process itself (PROCESS_VARIABLES).
 */

/**
 * Variables read when the process starts, whose faults kill or stop the process: a command given
 * one runs as the binary, whatever helper ran it.
 */
const PROCESS_VARIABLES = ['LEMMING_CRASH_AT', 'LEMMING_STORAGE_FAULT'];

function needsProcess(env: Record<string, string>): boolean {
  return PROCESS_VARIABLES.some((name) => env[name] !== undefined);
}

/**
 * Variables read once, as lemming's modules load, that harm nothing when set
 * (LEMMING_RECORD_PIECE_BYTES, storage/record-pieces.ts): a thread's modules are its own, so a
 * command given one runs in a thread started with it, not in one whose modules read another value.
 * So the crash tests across the records' pieces resume each killed run in a thread, where each
 * resumed run was a new Node process that loaded lemming again.
 */
const LOAD_VARIABLES = ['LEMMING_RECORD_PIECE_BYTES'];

/** The load variables a command runs with (the test's process's, then its own): which threads may run it. */
function loadSettings(env: Record<string, string>): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const name of LOAD_VARIABLES) {
    const value = env[name] ?? process.env[name];
    if (value !== undefined) settings[name] = value;
  }
  return settings;
}

/** The environment a command gets: the test's, without colour, and the test's own variables. */
function commandEnv(env: Record<string, string>): Record<string, string | undefined> {
  return { ...process.env, NO_COLOR: '1', ...env };
}

/** Threads that run commands, each one at a time, kept waiting once their command ended, oldest first. */
const idle: Worker[] = [];
/** Threads kept waiting: enough for a test's commands run at once, few enough for a worker process that runs many files. */
const MAX_IDLE = 2;
/** The load variables each thread was started with (as JSON). */
const threadSettings = new WeakMap<Worker, string>();

function commandThread(env: Record<string, string>): Worker {
  const settings = loadSettings(env);
  const key = JSON.stringify(settings);
  const at = idle.findLastIndex((kept) => threadSettings.get(kept) === key);
  if (at >= 0) return idle.splice(at, 1)[0]!;
  const thread = new Worker(new URL('./cli-thread.mjs', import.meta.url), { workerData: { program: PROGRAM }, execArgv: [], env: { ...process.env, ...settings } });
  // A thread waiting for its next command does not keep the test's process alive.
  thread.unref();
  threadSettings.set(thread, key);
  thread.once('exit', () => {
    const index = idle.indexOf(thread);
    if (index >= 0) idle.splice(index, 1);
  });
  return thread;
}

interface ThreadAnswer {
  status: number;
  stdout: string;
  stderr: string;
  /** The command ended its thread (process.exit, an uncaught error): the next command needs another. */
  threadEnds?: boolean;
}

function request(root: string, args: string[], env: Record<string, string>, input: string | undefined, port: MessagePort, flag?: SharedArrayBuffer) {
  return { argv: ['--root', root, ...args], cwd: process.cwd(), env: commandEnv(env), input, port, flag };
}

/** Run `lemming` to completion in this process, blocking it as spawnSync would (a model server the command calls must be elsewhere: use lemmingAsync). */
export function lemming(root: string, args: string[], env: Record<string, string> = {}, input?: string): CliResult {
  if (needsProcess(env)) return lemmingProcess(root, args, env, input);
  const thread = commandThread(env);
  const { port1, port2 } = new MessageChannel();
  const flag = new SharedArrayBuffer(4);
  thread.postMessage(request(root, args, env, input, port2, flag), [port2]);
  const waited = Atomics.wait(new Int32Array(flag), 0, 0, BACKSTOP_MS);
  const answer = receiveMessageOnPort(port1)?.message as ThreadAnswer | undefined;
  port1.close();
  if (waited === 'timed-out' || answer === undefined) {
    void thread.terminate();
    return { status: null, signal: 'SIGKILL', stdout: '', stderr: waited === 'timed-out' ? BACKSTOP_SAID : '[test helper: the command\'s thread ended without an answer]\n' };
  }
  keepIfAlive(thread, answer);
  return { status: answer.status, signal: null, stdout: answer.stdout, stderr: answer.stderr };
}

/** Run `lemming` in this process without blocking it, so a server in the test (a wire-format model) can answer it, and several runs can go at once. */
export function lemmingAsync(root: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  if (needsProcess(env)) return lemmingProcessAsync(root, args, env, input);
  const thread = commandThread(env);
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (result: CliResult): void => {
      clearTimeout(timer);
      thread.off('exit', ended);
      port1.close();
      resolve(result);
    };
    const ended = (): void => {
      // The thread's last words (process.exit, an uncaught error) are on the port before it ends.
      const answer = receiveMessageOnPort(port1)?.message as ThreadAnswer | undefined;
      done(answer ? { status: answer.status, signal: null, stdout: answer.stdout, stderr: answer.stderr } : { status: null, signal: 'SIGKILL', stdout: '', stderr: '[test helper: the command\'s thread ended without an answer]\n' });
    };
    port1.once('message', (answer: ThreadAnswer) => {
      keepIfAlive(thread, answer);
      done({ status: answer.status, signal: null, stdout: answer.stdout, stderr: answer.stderr });
    });
    thread.once('exit', ended);
    timer = setTimeout(() => {
      void thread.terminate();
      done({ status: null, signal: 'SIGKILL', stdout: '', stderr: BACKSTOP_SAID });
    }, BACKSTOP_MS);
    thread.postMessage(request(root, args, env, input, port2), [port2]);
  });
}

/** A thread whose command ended by itself waits for the next; one that ended with its command (process.exit) is gone. */
function keepIfAlive(thread: Worker, answer: ThreadAnswer): void {
  if (answer.threadEnds || thread.threadId === -1) return;
  idle.push(thread);
  // The oldest goes: a file's commands given other load variables do not keep the next file's threads out.
  if (idle.length > MAX_IDLE) void idle.shift()!.terminate();
}

/** Run the built `lemming` binary to completion, as a process: for what only a process shows (its exit code, its start, its output as a process). */
export function lemmingProcess(root: string, args: string[], env: Record<string, string> = {}, input?: string): CliResult {
  const result = spawnSync(process.execPath, [CLI, '--root', root, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    ...(input !== undefined ? { input } : {}),
    timeout: BACKSTOP_MS,
  });
  const killed = result.error !== undefined && 'code' in result.error && result.error.code === 'ETIMEDOUT';
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: killed ? `${result.stderr}${BACKSTOP_SAID}` : result.stderr };
}

/** Start the built binary without waiting for it. */
export function startLemming(root: string, args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [CLI, '--root', root, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Ctrl-C for a started binary, resolving once it has exited: a dashboard saves its index as it
 * stops, and the test's temporary org must not be removed under it.
 */
export function interruptAndWait(child: ReturnType<typeof startLemming>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGINT');
  return exited;
}

/** Run the built binary as a process without blocking this one. */
export function lemmingProcessAsync(root: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--root', root, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, BACKSTOP_MS);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr: killed ? `${stderr}${BACKSTOP_SAID}` : stderr });
    });
  });
}
