import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/org-files.js';
import { defaultOrg, read, tempDir, write } from '../helpers/temp-org.js';
import { eventually, hasWatchdog, isAlive } from '../outside/outside-org.js';

/** A Node process that runs one command for coder_01 through the sandbox's one door (runSandboxed), as the engine does. */
const RUNNER = `
const [root, pids] = process.argv.slice(1);
const { OrgLoader } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/org/load-org.js'))});
const { runSandboxed } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/sandbox/run-sandboxed.js'))});
const { commandSpecFor } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/tools/commands/command-place.js'))});
const org = new OrgLoader(root).load().org;
await runSandboxed(commandSpecFor(org, org.agents.get('coder_01'), { argv: ['/bin/sh', '-c', 'echo $$ > "$0"; sleep 600 & echo $! >> "$0"; wait', pids] }));
`;

// Before: with `isolation: none` (no bubblewrap, so no --die-with-parent), a lemming killed by SIGKILL left the
// command and what it started running under PID 1.
describe("isolation: none, lemming killed by SIGKILL in the middle of a command", () => {
  test('the command and the process it started are gone soon after lemming', async () => {
    const root = defaultOrg();
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, 'engine:\n  sandbox: { isolation: none, timeout_ms: 600000 }\n'));
    const pids = join(tempDir('lemming-command-pids-'), 'pids');
    const runner = spawn(process.execPath, ['--input-type=module', '-e', RUNNER, root, pids], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<void>((resolve) => runner.once('exit', () => resolve()));
    const started = (): number[] => (existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').map(Number) : []);
    try {
      expect(await eventually(() => started().length === 2)).toBe(true);
      const [shell = 0, sleeper = 0] = started();
      expect(isAlive(shell) && isAlive(sleeper)).toBe(true);
      expect(await eventually(() => hasWatchdog(runner.pid ?? 0))).toBe(true);
      runner.kill('SIGKILL');
      await exited;
      // 100 looks of 50 ms: gone at once, not after ten minutes.
      expect(await eventually(() => !isAlive(shell) && !isAlive(sleeper), 100)).toBe(true);
    } finally {
      if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
      for (const pid of started()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);
});
