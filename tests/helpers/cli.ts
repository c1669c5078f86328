import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './org-files.js';

export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

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

/** Run the built `lemming` binary to completion. */
export function lemming(root: string, args: string[], env: Record<string, string> = {}, input?: string): CliResult {
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

/**
 * Run the built binary without blocking this process, so a server in the test
 * (a wire-format model) can answer it, and several runs can go at once.
 */
export function lemmingAsync(root: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
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
