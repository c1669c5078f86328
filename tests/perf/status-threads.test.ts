import { spawnSync } from 'node:child_process';
import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildOrg } from '../../bench/build-org.js';
import { LOOK_AHEAD_FROM, STAT_THREAD_FROM } from '../../src/storage/look-ahead.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

/**
 * The threads a `lemming status` makes, counted by `strace` (clone calls), not timed. Past 5,000
 * agents status stats every resume against the stamps kept with the org (kept-org-with-edits.ts),
 * one list of a `stat` each. The look-ahead thread's start (a Node environment of its own) takes as
 * long as some 10,000 of those `stat`s: at 10,000 agents it answered 1 to 5% of them, and its start
 * was some 15% of status's instructions (385M of 2,540M). A stat list shorter than STAT_THREAD_FROM
 * does not start it, so status at 5,100 agents makes the threads status at 50 agents makes.
 */
const BIG = 5_100;
const hasStrace = spawnSync('strace', ['-V']).status === 0;

/** How many threads (clone calls, across every thread) `lemming status` made on `root`, and what it printed. */
function statusThreads(root: string): { threads: number; stdout: string } {
  const trace = join(tempDir('lemming-status-threads-trace-'), 'trace.txt');
  const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=clone,clone3', '-o', trace, process.execPath, CLI, '--root', root, 'status'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(run.status, run.stderr).toBe(0);
  const threads = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((line) => /\bclone3?\(/.test(line)).length;
  return { threads, stdout: run.stdout };
}

describe.runIf(hasStrace)('status on a big org, the threads it makes', () => {
  test('a list of 5,100 resume stats is done without starting the look-ahead thread', { timeout: 300_000 }, () => {
    expect(BIG).toBeGreaterThanOrEqual(LOOK_AHEAD_FROM);
    expect(BIG).toBeLessThan(STAT_THREAD_FROM);
    const small = tempDir('lemming-status-threads-small-');
    buildOrg(small, { agents: 50, history: 0, withMail: 10 });
    const big = tempDir('lemming-status-threads-big-');
    buildOrg(big, { agents: BIG, history: 0, withMail: 10 });
    // The quick key trusts a time of agents/ at least a second old: this one is, and a turn keeps the org under it with each resume's stamp.
    const settled = (Date.now() - 60_000 + 0.25) / 1000;
    utimesSync(join(big, 'agents'), settled, settled);
    const turn = spawnSync(process.execPath, [CLI, '--root', big, 'run-once'], { encoding: 'utf8' });
    expect(turn.status, turn.stderr).toBe(0);
    const alone = statusThreads(small);
    const bigStatus = statusThreads(big);
    expect(bigStatus.stdout).toMatch(/and 5,0\d\d more agents with no unread mail/);
    // Before, status at 5,100 agents made one thread more than at 50: the look-ahead thread, started for the resumes' stats.
    expect(bigStatus.threads).toBe(alone.threads);
  });
});
