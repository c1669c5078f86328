import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';
import { scratchDir } from '../faults/scratch.js';
import { watchOutput } from '../helpers/watched-process.js';

/** The runs and gates made here: `releaseAll` (each file's afterEach) leaves nothing running when a test failed half-way. */
const started: ChildProcess[] = [];
const gates: string[] = [];

/** Open every gate and kill every run still going (each in its own process group, not the test's). */
export function releaseAll(): void {
  for (const gate of gates.splice(0)) writeFileSync(gate, '');
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), 'SIGKILL');
}

/** Where the real git is, for a shim in front of it. */
function gitPath(): string {
  for (const folder of (process.env.PATH ?? '').split(':')) if (folder && existsSync(join(folder, 'git'))) return join(folder, 'git');
  throw new Error('git is not on PATH');
}

/**
 * A folder with a `git` whose fast-import waits until `gate` exists (a git on a machine too busy to keep up): `at: 'start'`,
 * before it takes in any entry, so every entry the run gives it waits, none written; `at: 'exit'`, after it has written them
 * all and was told it is done, before it exits. Any other git command is the real one.
 */
export function gatedGit(gate: string, at: 'start' | 'exit' = 'start'): string {
  gates.push(gate);
  const shim = scratchDir('lemming-git-gate-');
  const wait = `while [ ! -e '${gate}' ]; do sleep 0.05; done`;
  const fastImport = at === 'start' ? `    ${wait}\n    exec ${gitPath()} "$@"` : `    ${gitPath()} "$@"\n    status=$?\n    ${wait}\n    exit $status`;
  writeFileSync(join(shim, 'git'), `#!/bin/sh\nfor word in "$@"; do\n  if [ "$word" = fast-import ]; then\n${fastImport}\n  fi\ndone\nexec ${gitPath()} "$@"\n`);
  chmodSync(join(shim, 'git'), 0o755);
  return shim;
}

/**
 * `lemming <args>` as a terminal runs it: the leader of its own process group, so a Ctrl-C
 * (SIGINT to the group, `signalGroup`) reaches it and every process it started that shares its group.
 */
export function runInGroup(root: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, '--root', root, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  started.push(child);
  const watched = watchOutput(child, 'close');
  return {
    output: watched.output,
    waitFor: watched.waitFor,
    signalGroup: (signal: NodeJS.Signals) => process.kill(-(child.pid as number), signal),
    exited: watched.exited,
  };
}
