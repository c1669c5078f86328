import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildOrg } from '../../bench/build-org.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

/**
 * The system calls of `lemming run-once` on an org as the bench's run-once row makes it (bench/sections/startup.ts:
 * written by the build, every agent with a letter), counted by `strace`, not timed: each look at an agent's files
 * named, so a repeat of one shows here, and the look for `lemming` on PATH the summary's hints make.
 */
const AGENTS = 20;
const hasStrace = spawnSync('strace', ['-V']).status === 0;

/** The file system calls of the run below `agents/<name>/`, by call and what it named there, per agent. */
function callsPerAgent(lines: readonly string[]): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const line of lines) {
    const found = /^\d+\s+(\w+)\((?:AT_FDCWD, )?"[^"]*\/agents\/agent_\d+((?:\/[^"/]+)*)"/.exec(line);
    if (!found) continue;
    const what = found[2] === '' ? '.' : (found[2] as string).slice(1).replace(/^outbox\/.+/, 'outbox/<message>');
    const key = `${found[1] as string} ${what}`;
    calls[key] = (calls[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(calls).map(([key, count]) => [key, count / AGENTS]));
}

describe.runIf(hasStrace)('run-once on a built org, its system calls', () => {
  test('PATH is searched for lemming once; each agent file is looked at as often as the table says', { timeout: 120_000 }, () => {
    const root = tempDir('lemming-run-once-syscalls-');
    // As the bench's run-once org: written by the build, every agent with a letter, old mail in the outboxes.
    buildOrg(root, { agents: AGENTS, history: 200, withMail: AGENTS });
    // A PATH of three folders with no lemming in them: one search is three looks. strace is found on
    // this process's PATH; the traced run gets the three folders.
    const path = [1, 2, 3].map((index) => join(root, `no-lemming-${index}`)).join(':');
    const trace = join(tempDir('lemming-run-once-syscalls-trace-'), 'trace.txt');
    const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=%file', '-E', `PATH=${path}`, '-o', trace, process.execPath, CLI, 'run-once', '--root', root], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${AGENTS} called, ${AGENTS} delivered`);
    expect(run.stdout).toContain(`see credits with \`npx lemming status --root ${root}\``);
    const lines = readFileSync(trace, 'utf8').split('\n');
    const pathLooks = lines.filter((line) => /access\("[^"]*\/no-lemming-\d\/lemming", X_OK\)/.test(line)).length;
    // Before: 9, a search for each part of the summary that names a command (the end, the decisions waiting, where to look).
    expect(pathLooks).toBe(3);
    // Per agent, each look named, so a second look at the same thing fails here.
    expect(callsPerAgent(lines)).toEqual({
      // Opening the engine finds the kept org by every resume's stamp; the first turn looks again for an edit made
      // since (engine/org-uptake.ts, reload: a screen can sit paused, or a chat idle, between the two).
      'statx resume.md': 2,
      // The turn's look for new mail (turn/discover-mail.ts); the once-a-command look for a link out of the org
      // (org/own-folders.ts); before and after the agent's writes, for the outbox's hint (turn/apply-response.ts).
      'statx outbox': 4,
      // That once-a-command look at the agent's own folders (logs/traces not, below a missing logs/).
      'statx .': 1,
      'statx logs': 1,
      // That look, which found no notes folder: the turn does not look for one again (record/agent-memory.ts). Before: 2.
      'statx memory': 1,
      // The letter waiting, read.
      'openat outbox/<message>': 1,
      // The first append of a process, to the log of an org's first turn: its folder, found missing by that look, made,
      // with no look at the log or the folder again (record/agent-log.ts). Before: a stat of the log and an access of logs/.
      'mkdir logs': 1,
      'openat logs/activity.jsonl': 1,
    });
    // The same run again: the first turn of a fresh process on an org that has run (every agent has its reply to read).
    const again = spawnSync('strace', ['-f', '-qq', '-e', 'trace=%file', '-E', `PATH=${path}`, '-o', trace, process.execPath, CLI, 'run-once', '--root', root], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${AGENTS} called`);
    expect(callsPerAgent(readFileSync(trace, 'utf8').split('\n'))).toEqual({
      'statx resume.md': 2,
      // No message written (the offline model does not answer a reply): no look after the writes.
      'statx outbox': 3,
      'statx .': 1,
      'statx logs': 1,
      'statx logs/traces': 1,
      'statx memory': 1,
      'openat outbox/<message>': 1,
      // The first append of a process to a log that is there: its size, for when it is to be cut into pieces
      // (log-segments.ts), is the one the append's own descriptor finds (write-bytes.ts). Before: a stat of the log first.
      'openat logs/activity.jsonl': 1,
    });
  });
});
