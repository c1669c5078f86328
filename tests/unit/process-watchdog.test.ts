import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { killQuietly } from '../../src/process-kill.js';
import { isRunning, parseProcStat } from '../../src/process-liveness.js';
import { staticModules } from '../helpers/import-graph.js';
import { eventually } from '../outside/outside-org.js';

/*
 * The tether's watchdog as the built program it is (dist/process-watchdog.js: `npm test` builds first),
 * reading /proc/<pid>/stat through lemming's one parser (process-liveness.ts), and the one quiet kill.
 */

const DIST = join(import.meta.dirname, '..', '..', 'dist');
const started: ChildProcess[] = [];
/** The pids each shell's sleeps wrote: the one in a session of its own is not in the shell's group. */
const trees: Array<() => number[]> = [];

/** A shell leading a group of its own, with a `sleep` in it and one that left it (a new session), each writing its pid. */
function tree(): { shell: number; pids: () => number[] } {
  const shell = spawn('sh', ['-c', 'sleep 600 & echo $!; setsid sleep 600 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(shell);
  let out = '';
  shell.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const pids = (): number[] => out.split('\n').filter(Boolean).map(Number);
  trees.push(pids);
  return { shell: shell.pid as number, pids };
}

function watchdog(): ChildProcess {
  const child = spawn(process.execPath, [join(DIST, 'process-watchdog.js')], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: {} });
  started.push(child);
  return child;
}

/** A process's group, the field after its parent's in /proc/<pid>/stat. */
function groupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

afterEach(() => {
  for (const child of started.splice(0)) if (child.pid !== undefined) killQuietly(-child.pid);
  for (const pids of trees.splice(0)) for (const pid of pids()) killQuietly(pid);
});

describe('the watchdog', () => {
  test('at the end of its input, kills a held process, its group and a descendant that left the group', { timeout: 60_000 }, async () => {
    const { shell, pids } = tree();
    expect(await eventually(() => pids().length === 2)).toBe(true);
    const [inGroup, ownSession] = pids() as [number, number];
    // The one that left: in a group of its own, reached only through /proc's parents.
    expect(await eventually(() => groupOf(ownSession) === ownSession)).toBe(true);
    expect(groupOf(inGroup)).toBe(shell);
    const dog = watchdog();
    dog.stdin?.end(`+${shell}\n`);
    expect(await exited(dog)).toBe(0);
    expect(await eventually(() => ![shell, inGroup, ownSession].some((pid) => isRunning(pid)), 200)).toBe(true);
  });

  test('leaves alone a process untied before its input ended', { timeout: 60_000 }, async () => {
    const { shell } = tree();
    const dog = watchdog();
    dog.stdin?.end(`+${shell}\n-${shell}\n`);
    expect(await exited(dog)).toBe(0);
    expect(isRunning(shell)).toBe(true);
  });

  test('loads only itself and two modules that import nothing of lemming', () => {
    const modules = [...staticModules(join(DIST, 'process-watchdog.js'))].map((path) => relative(DIST, path)).sort();
    expect(modules).toEqual(['process-kill.js', 'process-liveness.js', 'process-watchdog.js']);
  });
});

describe("a process's parent, as /proc/<pid>/stat gives it", () => {
  test("is read past a name with spaces and parentheses, by the one parser", () => {
    expect(parseProcStat(`4242 (a) (b c) S 77 4242 4242 0 -1 4194560 ${Array.from({ length: 12 }, () => '0').join(' ')} 123456 0`)).toEqual({ state: 'S', parent: 77, startTicks: 123456 });
    expect(parseProcStat(readFileSync('/proc/self/stat', 'utf8'))?.parent).toBe(process.ppid);
  });
});

describe('killQuietly', () => {
  test('signals a running group and says so; a gone one is quietly not signalled', async () => {
    const { shell } = tree();
    expect(killQuietly(-shell)).toBe(true);
    expect(await eventually(() => !isRunning(shell), 200)).toBe(true);
    // Reaped: the pid names nothing now. The shell's own `sleep`, killed with it, is a zombie until the process that
    // inherits it reaps it, and a group holding a zombie takes a signal: false once it is gone (it took a while in a loaded suite).
    await exited(started[0] as ChildProcess);
    expect(await eventually(() => killQuietly(-shell) === false, 200)).toBe(true);
    expect(killQuietly(shell, 'SIGTERM')).toBe(false);
    expect(() => killQuietly(shell, 'SIGNOPE' as NodeJS.Signals)).toThrow();
  });
});
