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

/** Start the built CLI with `--root root` and these arguments, printing into a buffer the test can wait on. */
export function startWatched(root: string, args: string[], env: Record<string, string> = {}): WatchedProcess {
  const child = startLemming(root, args, env);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: string): void => {
    text += chunk;
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  let exited = false;
  child.on('exit', () => {
    exited = true;
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    child,
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
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

