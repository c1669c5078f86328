import { spawn } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { watchOutput } from './watched-process.js';

/*
 * A wait for a line a process never prints fails on its own, naming what it waited for and showing what
 * came: before, it waited for ever, and a wording changed in lemming showed as the test's 120 s timeout
 * with nothing printed.
 */

const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A process that prints `line` and then waits, printing nothing more, until it is killed. */
function printsThenWaits(line: string) {
  const child = spawn(process.execPath, ['-e', `console.log(${JSON.stringify(line)}); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return watchOutput(child);
}

describe('a watched process', () => {
  test('a wait for text it never prints fails after its bound, with the text and the output so far', async () => {
    const watched = printsThenWaits('serving model flaky-openai');
    await watched.waitFor(/serving model/);
    const waited = watched.waitFor(/serving MCP server/, 300);
    await expect(waited).rejects.toThrow('waited 0.3 s for /serving MCP server/, and the process did not print it; what it printed so far:\nserving model flaky-openai\n');
    // The process is still running: the failure is the wait's, not an exit.
    expect(watched.hasExited()).toBe(false);
  });

  test('a wait met later is met, its bound not reached', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => console.log("ready"), 100); setInterval(() => {}, 1000);'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    await expect(watchOutput(child).waitFor(/ready/, 30_000)).resolves.toBeUndefined();
  });
});
