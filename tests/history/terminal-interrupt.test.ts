import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { scratchDir } from '../faults/scratch.js';
import { copyOf, gitOnHistory, historyEntries, runOutcome, runToIdle, seededOrg } from './history-org.js';

let seed: string;
let reference: string;
/** The runs and gates of this file: a test that failed half-way leaves nothing running (its own process group is not the test's). */
const started: ChildProcess[] = [];
const gates: string[] = [];
afterEach(() => {
  for (const gate of gates.splice(0)) writeFileSync(gate, '');
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), 'SIGKILL');
});
beforeAll(async () => {
  seed = seededOrg();
  reference = copyOf(seed);
  await runToIdle(reference);
}, 120_000);

/** Where the real git is, for a shim in front of it. */
function gitPath(): string {
  for (const folder of (process.env.PATH ?? '').split(':')) if (folder && existsSync(join(folder, 'git'))) return join(folder, 'git');
  throw new Error('git is not on PATH');
}

/** Each turn once, in order: what a complete history lists. */
function keptTurns(root: string): string[] {
  return historyEntries(root).map((entry) => `${entry.kind} ${entry.turn}`);
}

/** The entries kept beside the store for git to write (entry-spool.ts): none once git wrote them. */
function spooled(root: string): string[] {
  return readdirSync(join(root, 'org/state/history.git/lemming-pending')).filter((name) => name.endsWith('.entry'));
}

/**
 * A git whose fast-import starts only once `gate` exists: until then every entry the run gives it
 * waits, none written (a git on a machine too busy to keep up). Any other git command is the real one.
 */
function gatedGit(gate: string): string {
  gates.push(gate);
  const shim = scratchDir('lemming-git-gate-');
  writeFileSync(join(shim, 'git'), `#!/bin/sh\nfor word in "$@"; do\n  if [ "$word" = fast-import ]; then\n    while [ ! -e '${gate}' ]; do sleep 0.05; done\n  fi\ndone\nexec ${gitPath()} "$@"\n`);
  chmodSync(join(shim, 'git'), 0o755);
  return shim;
}

/**
 * `lemming <args>` as a terminal runs it: the leader of its own process group, so a Ctrl-C
 * (SIGINT to the group, `signalGroup`) reaches it and every process it started that shares its group.
 */
function runInGroup(root: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, '--root', root, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: string): void => {
    text += chunk;
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  started.push(child);
  return {
    output: () => text,
    waitFor: (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(text)) return resolve();
          if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`exited before printing ${pattern}:\n${text}`));
          waiters.push(check);
        };
        check();
      }),
    signalGroup: (signal: NodeJS.Signals) => process.kill(-(child.pid as number), signal),
    exited: () => exited,
  };
}

describe('Ctrl-C at a terminal, which reaches every process of the run, git among them', () => {
  // Before: git, killed by the same SIGINT, was taken for a git that failed, and the entries it had not written were dropped:
  // `lemming history` said the org had no history yet, and the next run began it at its own first turn (the turns before lost for good).
  // (Turn 1 is as far as these runs go before the stop: two seconds on, the next turn waits for git's checkpoint, which the gate holds.)
  test('as the run ends, while git still writes its entries: exit 0, and every turn is in the history', async () => {
    const root = copyOf(seed);
    const gate = join(scratchDir('lemming-gate-'), 'open');
    const run = runInGroup(root, ['run', '--until', '1', '--plain'], { PATH: `${gatedGit(gate)}:${process.env.PATH ?? ''}` });
    // Its last turn done, the run waits for git to write the entries before it sums up: Ctrl-C then.
    await run.waitFor(/\[turn 1\] done/);
    run.signalGroup('SIGINT');
    writeFileSync(gate, '');
    expect(await run.exited(), run.output()).toBe(0);

    expect(keptTurns(root)).toEqual(['turn 0', 'turn 1']);
    expect(spooled(root)).toEqual([]);
    gitOnHistory(root, ['fsck', '--no-dangling']);
    await runToIdle(root);
    expect(runOutcome(root)).toEqual(runOutcome(reference));
    expect(keptTurns(root)).toEqual(keptTurns(reference));
  }, 120_000);

  test('during a turn: the run stops (exit 0) with every committed turn in the history, and the next run ends as a run never stopped', async () => {
    const root = copyOf(seed);
    const gate = join(scratchDir('lemming-gate-'), 'open');
    const run = runInGroup(root, ['run', '--plain'], { PATH: `${gatedGit(gate)}:${process.env.PATH ?? ''}` });
    await run.waitFor(/\[turn 1\] done/);
    run.signalGroup('SIGINT');
    writeFileSync(gate, '');
    expect(await run.exited(), run.output()).toBe(0);
    expect(run.output()).toContain('stopped; the next `lemming run` picks up where this one left off');
    const committed = Number(/now at turn (\d+)/.exec(run.output())?.[1]);
    expect(keptTurns(root)).toEqual(keptTurns(reference).slice(0, committed + 1));
    expect(spooled(root)).toEqual([]);

    await runToIdle(root);
    expect(runOutcome(root)).toEqual(runOutcome(reference));
    expect(keptTurns(root)).toEqual(keptTurns(reference));
    gitOnHistory(root, ['fsck', '--no-dangling']);
  }, 120_000);
});
