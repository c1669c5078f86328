import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { CLI, lemming, lemmingAsync } from '../helpers/cli.js';
import { seededOrg } from './history-org.js';

const REF = 'org/state/history.git/refs/heads/main';

let pipe: string | undefined;
let started: ChildProcess | undefined;

afterEach(() => {
  // A git still waiting on the pipe is let go (a writer that opens and closes it gives it an end of file), so no test leaves one behind.
  if (pipe !== undefined) {
    try {
      closeSync(openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // Nobody reads it: nothing waits.
    }
  }
  if (started?.exitCode === null && started.signalCode === null) started.kill('SIGKILL');
  pipe = undefined;
  started = undefined;
});

/** Run the built CLI as a process and collect what it says, with its exit code. */
function run(root: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--root', root, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    started = child;
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('close', (status) => resolve({ status, output }));
  });
}

// Before: `lemming run` waited for ever, saying nothing: `git rev-parse` opened the pipe and waited for a writer.
describe("a named pipe in place of the history's branch file", () => {
  test('the run goes on and says which file the history refuses; `lemming history` refuses it too', async () => {
    const root = seededOrg();
    expect((await lemmingAsync(root, ['run', '--until', '1', '--plain'])).status).toBe(0);
    pipe = join(root, REF);
    rmSync(pipe);
    execFileSync('mkfifo', [pipe]);

    const next = await run(root, ['run', '--until', '2', '--plain']);
    expect(next.output).toContain(`${pipe} is a named pipe, not a regular file`);
    expect(next.output).toContain("regular file holding the commit id of the history's last entry");
    expect(next.status, next.output).toBe(0);
    expect(next.output).toContain('now at turn 2');

    const history = lemming(root, ['history']);
    expect(history.status).not.toBe(0);
    expect(history.stderr).toContain(`${pipe} is a named pipe`);
  }, 120_000);
});
