import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { startWatched } from '../helpers/watched-process.js';
import { humanSends, tempDir } from '../helpers/temp-org.js';
import { eventually, hasWatchdog, isAlive, outsideOrg } from '../outside/outside-org.js';
import { queueTestKit } from './queue-test-kit.js';

const redis = queueTestKit();

/** A process's parent, as /proc says. */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

// Before: a worker killed by SIGKILL while it ran an agent program left the program, and the child the
// program started, running: they led a process group of their own, and the worker's exit hook never ran.
describe('an agent program on a worker killed by SIGKILL', () => {
  test('the program and the child it started are gone soon after the worker', { timeout: 120_000 }, async () => {
    const org = outsideOrg({ provider: 'command', timeout_ms: 900_000 });
    org.plan({ manager: [{ hang: true, started: true }] });
    humanSends(org.root, 'manager', 'Wait for it.');
    const programPid = (): number | undefined => (existsSync(`${org.script}.started`) ? Number(readFileSync(`${org.script}.started`, 'utf8')) : undefined);

    const worker = redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url, '--models', 'agent']);
    await worker.waitFor(/serves models agent/);
    // The run is not the kit's: it is stopped here, once its worker is gone, with the test's other processes.
    const run = startWatched(org.root, ['run', '--plain', '--queue', redis.url]);
    try {
      expect(await eventually(() => programPid() !== undefined && org.childPid() !== undefined)).toBe(true);
      const program = programPid() ?? 0;
      const child = org.childPid() ?? 0;
      expect(isAlive(program) && isAlive(child)).toBe(true);
      // The program runs in the worker, not in the run.
      expect(parentOf(program)).toBe(worker.child.pid);
      expect(await eventually(() => hasWatchdog(worker.child.pid ?? 0))).toBe(true);

      await worker.stop('SIGKILL');
      // 100 looks of 50 ms: gone at once, not after the program's 15 minutes.
      expect(await eventually(() => !isAlive(program) && !isAlive(child), 100)).toBe(true);
    } finally {
      await run.stop('SIGKILL');
      for (const pid of [programPid(), org.childPid()]) if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
