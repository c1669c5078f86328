import type { ChildProcessByStdio, ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable } from 'node:stream';
import { startLemming } from './cli.js';
import { PATIENCE_MS } from './patience.js';

/** A `lemming` process started by a test (a worker, a run), with what it has printed so far. */
export interface WatchedProcess {
  child: ReturnType<typeof startLemming>;
  output(): string;
  /** Resolves when its output matches; rejects if it exits first, or after `timeoutMs` (PATIENCE_MS), with what it printed so far. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit status once it has exited. */
  exited(): Promise<number | null>;
  /** SIGTERM (a clean stop) or SIGKILL; resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** What a test watches of a child process: what it has printed so far, a wait for a line, and its exit. */
export interface WatchedOutput {
  output(): string;
  /** Resolves when its output matches; rejects if it exits first, or after `timeoutMs` (PATIENCE_MS), with what it printed so far. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit status once it has exited. */
  exited(): Promise<number | null>;
  /** Whether it has exited. */
  hasExited(): boolean;
}

/**
 * Watch `child`'s standard output and error as one text. `settled` is the event its exit is taken from:
 * `exit`, or `close` (its output read to the end too, as a test that reads the last line wants).
 */
export function watchOutput(child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, Readable>, settled: 'exit' | 'close' = 'exit'): WatchedOutput {
  let text = '';
  let exited = false;
  const waiters: Array<() => void> = [];
  const wakeAll = (): void => {
    for (const wake of waiters.splice(0)) wake();
  };
  const exit = new Promise<number | null>((resolve) => child.on(settled, (status: number | null) => resolve(status)));
  const onData = (chunk: string): void => {
    text += chunk;
    wakeAll();
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  child.on('exit', () => {
    exited = true;
    wakeAll();
  });
  return {
    output: () => text,
    waitFor: (pattern, timeoutMs = PATIENCE_MS) =>
      new Promise<void>((resolve, reject) => {
        // A wording that no longer matches fails here, saying what was awaited and what came, not as the test's own timeout.
        const timer = setTimeout(() => {
          const waiting = waiters.indexOf(check);
          if (waiting >= 0) waiters.splice(waiting, 1);
          reject(new Error(`waited ${timeoutMs / 1000} s for ${pattern}, and the process did not print it; what it printed so far:\n${lastOf(text)}`));
        }, timeoutMs);
        const check = (): void => {
          if (pattern.test(text)) {
            clearTimeout(timer);
            return resolve();
          }
          if (exited) {
            clearTimeout(timer);
            return reject(new Error(`the process exited before printing ${pattern}:\n${text}`));
          }
          waiters.push(check);
        };
        check();
      }),
    exited: () => exit,
    hasExited: () => exited,
  };
}

/** The characters of a process's output a failed wait shows: its end, where the wait was. */
const SHOWN_CHARACTERS = 20_000;

/** The end of `text`, at most SHOWN_CHARACTERS of it, saying how much was left out. */
function lastOf(text: string): string {
  return text.length <= SHOWN_CHARACTERS ? text : `[the first ${text.length - SHOWN_CHARACTERS} characters left out]\n${text.slice(-SHOWN_CHARACTERS)}`;
}

/** Start the built CLI with `--root root` and these arguments, printing into a buffer the test can wait on. */
export function startWatched(root: string, args: string[], env: Record<string, string> = {}): WatchedProcess {
  const child = startLemming(root, args, env);
  const watched = watchOutput(child);
  return {
    child,
    output: watched.output,
    waitFor: watched.waitFor,
    exited: watched.exited,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (watched.hasExited()) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
