import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { makeCommandCgroup, sweepStaleCgroups } from '../../src/sandbox/command-cgroup.js';

/**
 * Where this machine lets lemming make sandbox cgroups, found by another process (so this one has
 * made none yet), or undefined where it cannot (a read-only /sys/fs/cgroup, no pids controller).
 */
function cgroupBase(): string | undefined {
  // The built module (npm test builds first): a plain node process, as lemming's own.
  const script = `import('${new URL('../../dist/sandbox/command-cgroup.js', import.meta.url).pathname}').then(async ({ makeCommandCgroup }) => { const made = makeCommandCgroup({ maxProcesses: 8, memoryBytes: 64 << 20 }); if (!made || 'problem' in made || !made.controllers.includes('pids')) return; console.log(made.folders[0]); await made.remove(); })`;
  const folder = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
  return folder === '' ? undefined : dirname(folder);
}

/** A pid no process has now: one that ran and ended. */
function endedPid(): number {
  return spawnSync('true').pid ?? 0;
}

const base = cgroupBase();

describe.skipIf(base === undefined)('sandbox cgroups that processes now gone left behind', () => {
  test('a process given the pid of one killed before its sandbox cgroup was removed still runs commands: the leftovers of processes gone are swept, those of running ones kept', async () => {
    if (base === undefined) return;
    // As a killed run leaves them: its own pid's first name taken (a process of this number before), another gone, one running.
    const ownName = join(base, `lemming-sandbox-${process.pid}-1`);
    const gone = join(base, `lemming-sandbox-${endedPid()}-3`);
    const running = join(base, `lemming-sandbox-${process.ppid}-2`);
    for (const folder of [ownName, gone, running]) if (!existsSync(folder)) mkdirSync(folder);
    try {
      const made = makeCommandCgroup({ maxProcesses: 8, memoryBytes: 64 << 20 });
      if (!made || 'problem' in made) throw new Error(made?.problem ?? 'no cgroup');
      for (const folder of made.folders) expect(existsSync(join(folder, 'cgroup.procs'))).toBe(true);
      await made.remove();
      expect(existsSync(gone)).toBe(false);
      expect(existsSync(running)).toBe(true);
      // The sweep on its own: a leftover of a process gone goes, one of a running process stays.
      mkdirSync(gone);
      expect(sweepStaleCgroups(base)).toBeGreaterThanOrEqual(1);
      expect([existsSync(gone), existsSync(running)]).toEqual([false, true]);
    } finally {
      for (const folder of [ownName, gone, running]) if (existsSync(folder)) rmdirSync(folder);
    }
  });
});
