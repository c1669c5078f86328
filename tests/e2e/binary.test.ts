import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { bootstrappedOrg } from '../helpers/built-org.js';
import { CLI, lemming, lemmingProcess, lemmingProcessAsync } from '../helpers/cli.js';
import { listOutbox, read, tempDir, write } from '../helpers/org-files.js';

/*
 * Most tests run commands through `main(argv, io)` in a thread of their own process
 * (tests/helpers/cli.ts). These run the built binary as a process, and hold it to the same
 * answers: what only the binary does (main.ts: the process's streams, folder and environment
 * given to main, its exit code made the process's) is seen here.
 */
const bootstrapped = bootstrappedOrg();

/** The same command both ways: what the binary prints and its exit code, and what main gave. */
function bothWays(root: string, args: string[], env: Record<string, string> = {}, input?: string) {
  return { binary: lemmingProcess(root, args, env, input), inProcess: lemming(root, args, env, input) };
}

describe('the binary and main(argv, io) answer alike', () => {
  test('exit codes: 0 for a command that worked, 1 for an org with errors, 2 for a usage error and for a --root that is not there', () => {
    const root = bootstrapped();
    const broken = bootstrapped();
    write(broken, 'agents/planner/resume.md', '---\ntitle: Planner\nmodel: offlne\ncredits: 1\n---\nPlan.\n');
    const cases: Array<[string, string[], number]> = [
      [root, ['status'], 0],
      [root, ['--version'], 0],
      [broken, ['validate'], 1],
      [root, ['status', '--bogus'], 2],
      [tempDir() + '/missing', ['status'], 2],
    ];
    for (const [where, args, code] of cases) {
      const { binary, inProcess } = bothWays(where, args);
      expect({ args, status: binary.status }).toEqual({ args, status: code });
      expect({ args, status: inProcess.status }).toEqual({ args, status: code });
      expect(inProcess.stdout).toBe(binary.stdout);
      expect(inProcess.stderr).toBe(binary.stderr);
    }
  });

  test('standard input and the environment reach the command: send reads "-", FORCE_COLOR colours a plain run', () => {
    const root = bootstrapped();
    const { binary, inProcess } = bothWays(root, ['send', 'manager', '-'], {}, 'Plan the release\n');
    expect(binary.status).toBe(0);
    expect(inProcess.status).toBe(0);
    expect(binary.stdout).toMatch(/sent 000000-human-001 to manager/);
    expect(inProcess.stdout).toMatch(/sent 000000-human-002 to manager/);
    // The same run of two copies of one org, coloured by FORCE_COLOR (what a turn took, in ms, aside).
    const [one, two] = [bootstrapped(), bootstrapped()];
    for (const copy of [one, two]) lemming(copy, ['send', 'manager', 'Plan the release']);
    const timeless = (text: string): string => text.replace(/\d+ ms/g, 'N ms').replace(new RegExp(`${one}|${two}`, 'g'), 'ROOT');
    const binaryRun = lemmingProcess(one, ['run', '--plain', '--turns', '1'], { FORCE_COLOR: '1' });
    const inProcessRun = lemming(two, ['run', '--plain', '--turns', '1'], { FORCE_COLOR: '1' });
    expect(binaryRun.stdout).toContain('\u001b[');
    expect(timeless(inProcessRun.stdout)).toBe(timeless(binaryRun.stdout));
  });

  test('a run, as a process, ends with exit 0 and its summary, as in-process', async () => {
    const root = bootstrapped();
    lemming(root, ['send', 'manager', 'Plan the release']);
    const run = await lemmingProcessAsync(root, ['run', '--turns', '2']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2 turn(s) run, now at turn 2; ran the 2 turns asked for; mail waits for');
  });
});

describe('a message typed at a terminal', () => {
  test('send reading "-" from a terminal says how to end the message before it waits for it, and sends what was typed', () => {
    const root = bootstrapped();
    // A real pseudo-terminal: util-linux's script(1) runs the binary on one and passes it what is typed (its Ctrl-D ends the message).
    const typed = spawnSync('script', ['-qec', `${process.execPath} ${CLI} --root ${root} send manager -`, '/dev/null'], { input: 'Plan the release\n\u0004', encoding: 'utf8', timeout: 60_000 });
    expect(typed.status).toBe(0);
    expect(typed.stdout).toContain('type the message, then press Ctrl-D on a line of its own to send it (Ctrl-C: send nothing)');
    const sent = listOutbox(root, 'human');
    expect(sent).toHaveLength(1);
    expect(read(root, `agents/human/outbox/${sent[0] as string}`)).toMatch(/\nPlan the release\n?$/);
  });

  test('from a pipe it says nothing: a script reading its output sees only what send prints', () => {
    const root = bootstrapped();
    expect(lemmingProcess(root, ['send', 'manager', '-'], {}, 'Plan the release\n').stderr).toBe('');
  });
});
