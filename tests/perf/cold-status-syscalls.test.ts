import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildOrg } from '../../bench/build-org.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

/**
 * The system calls of a cold `lemming status` (no parse cache) on an org of more agents than the
 * read-ahead thread's threshold, counted by `strace` across both threads: counted, not timed, so a
 * busy machine cannot fail it. Each resume is opened once, by one thread or the other, and not
 * asked where it lies: its folder was listed as a folder (not a link) and the file is opened without
 * following a link (storage/look-ahead.ts, FolderReads), where before each took a `readlink` of
 * `/proc/self/fd/N` (some 1.5 µs of the ~6.5 µs a resume took). `agents/` is listed once.
 */
const AGENTS = 4_200;
const hasStrace = spawnSync('strace', ['-V']).status === 0;

describe.runIf(hasStrace)('a cold status at 4,200 agents, its system calls', () => {
  test('each resume opened once, no readlink a resume, agents/ listed once', { timeout: 300_000 }, () => {
    const root = tempDir('lemming-cold-syscalls-');
    buildOrg(root, { agents: AGENTS, history: 0, withMail: 10 });
    // Cold: nothing kept of the org on this machine (the build's own load kept its parse cache).
    rmSync(join(root, 'org', 'state', 'cache'), { recursive: true, force: true });
    const trace = join(tempDir('lemming-cold-syscalls-trace-'), 'trace.txt');
    const run = spawnSync('strace', ['-f', '-qq', '-s', '4096', '-e', 'trace=openat,open,readlink,readlinkat', '-o', trace, process.execPath, CLI, '--root', root, 'status'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('and 4,190 more agents with no unread mail');
    const lines = readFileSync(trace, 'utf8').split('\n');
    const resumeOpens = lines.filter((line) => /open(at)?\(.*\/agents\/[^/"]+\/resume\.md"/.test(line)).length;
    const fdLinks = lines.filter((line) => /readlink(at)?\(.*"\/proc\/self\/fd\//.test(line)).length;
    const listings = lines.filter((line) => /open(at)?\(.*\/agents", O_RDONLY\|O_NONBLOCK\|O_CLOEXEC\|O_DIRECTORY/.test(line)).length;
    // org.yaml and the chart are read by the gate on the main thread, each asked where it lies: 2. Before, one a resume as well: 4,202.
    expect({ resumeOpens, fdLinks: fdLinks <= 10 ? 'at most 10' : fdLinks, listings }).toEqual({ resumeOpens: AGENTS, fdLinks: 'at most 10', listings: 1 });
  });
});
