import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startLemming } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';
import { humanSends } from '../helpers/temp-org.js';
import { eventually, isAlive, outsideOrg } from '../outside/outside-org.js';

const LINGERING = join(REPO_ROOT, 'tests/fixtures/mcp/lingering-server.mjs');

// Before: a run killed by SIGKILL left its stdio MCP server running when the server did not exit at the end of its
// standard input, and the child a wrapper (a shell, npx) had started for it too.
describe('a stdio MCP server behind a wrapper, its run killed by SIGKILL', () => {
  test('the wrapper and the server it started are gone soon after the run', { timeout: 120_000 }, async () => {
    const pids = join(tempDir('lemming-mcp-pids-'), 'pids');
    const org = outsideOrg({ provider: 'command', timeout_ms: 900_000 }, { tools: '[send_message, lingering/shout]' });
    // The shell forks the server and waits for it (`; true` keeps it from becoming the server).
    const wrapper = `"${process.execPath}" "${LINGERING}" "${pids}"; true`;
    appendFileSync(join(org.root, 'org/org.yaml'), `mcp_servers:\n  lingering: { command: /bin/sh, args: ${JSON.stringify(['-c', wrapper])}, timeout_ms: 30000 }\n`);
    org.plan({ manager: [{ hang: true, started: true }] });
    humanSends(org.root, 'manager', 'Wait for it.');
    const serverPids = (): number[] => (existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').map(Number) : []);

    const run = startLemming(org.root, ['run', '--plain']);
    const exited = new Promise<void>((resolve) => run.once('exit', () => resolve()));
    try {
      // The tools are offered before the program is asked: once it has started, the server is up.
      expect(await eventually(() => existsSync(`${org.script}.started`) && serverPids().length === 2)).toBe(true);
      const [shell = 0, server = 0] = serverPids();
      expect(isAlive(shell) && isAlive(server)).toBe(true);

      run.kill('SIGKILL');
      await exited;
      // 100 looks of 50 ms: gone at once, not never.
      expect(await eventually(() => !isAlive(shell) && !isAlive(server), 100)).toBe(true);
    } finally {
      if (run.exitCode === null && run.signalCode === null) run.kill('SIGKILL');
      for (const pid of serverPids()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
