import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { CLI } from './cli.js';

/** Far longer than any command these tests run takes; a command still waiting then is killed, and the test says so. */
const WAIT_MS = 90_000;

/**
 * Run the built binary as a process (a pipe waited on blocks the whole process, and SIGTERM is not
 * heeded inside that wait), killed with SIGKILL if it waits past WAIT_MS; the test then fails saying so.
 */
export function lemmingWithin(root: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [CLI, '--root', root, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: WAIT_MS,
    killSignal: 'SIGKILL',
  });
  const timedOut = result.error !== undefined && 'code' in result.error && result.error.code === 'ETIMEDOUT';
  expect(timedOut, `lemming ${args.join(' ')} was still waiting after ${WAIT_MS / 1000} s`).toBe(false);
  return { status: result.status, output: result.stdout + result.stderr };
}
