import type { ChildProcessByStdio, ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable } from 'node:stream';
import { startLemming } from './cli.js';

/** A `lemming` process started by a test (a worker, a run), with what it has printed so far. */
export interface WatchedProcess {
  child: ReturnType<typeof startLemming>;
  output(): string;
  /** Resolves when its output matches (rejects if it exits first). */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves with the exit status once it has exited. */
  exited(): Promise<number | null>;
  /** SIGTERM (a clean stop) or SIGKILL; resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** What a test watches of a child process: what it has printed so far, a wait for a line, and its exit. */
export interface WatchedOutput {
  output(): string;
  /** Resolves when its output matches (rejects if it exits first). */
  waitFor(pattern: RegExp): Promise<void>;
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
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(text)) return resolve();
          if (exited) return reject(new Error(`the process exited before printing ${pattern}:\n${text}`));
          waiters.push(check);
        };
        check();
      }),
    exited: () => exit,
    hasExited: () => exited,
  };
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
