import { resolve } from 'node:path';

/** The org root a command works on: `--root`, or the current folder. */
export function resolveRoot(options: { root?: string }): string {
  return resolve(options.root ?? process.cwd());
}

/** Where a command writes. Injected so tests can capture output without spawning a process. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** The real standard output and error, one line per call. */
export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
