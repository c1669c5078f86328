import { startLemming } from './cli.js';

/** A `lemming worker` process started by a test, with what it has printed so far. */
export interface WorkerProcess {
  child: ReturnType<typeof startLemming>;
  output(): string;
  /** Resolves when its output matches (rejects if it exits first). */
  waitFor(pattern: RegExp): Promise<void>;
  /** SIGTERM (a clean stop) or SIGKILL; resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Start `lemming worker --queue URL …` from the built CLI, in `root` (its `.env` holds the worker's keys). */
export function startWorkerProcess(root: string, args: string[], env: Record<string, string> = {}): WorkerProcess {
  const child = startLemming(root, ['worker', ...args], env);
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
          if (exited) return reject(new Error(`the worker exited before printing ${pattern}:\n${text}`));
          waiters.push(check);
        };
        check();
      }),
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

