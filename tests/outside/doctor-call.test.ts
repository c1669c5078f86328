import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lemmingAsync, startLemming } from '../helpers/cli.js';
import { resume, write } from '../helpers/org-files.js';
import { eventually, isAlive, outsideOrg } from './outside-org.js';

/** An org whose manager is a program that hangs (with a child of its own), and a worker on the offline model. */
function hangingOrg() {
  const org = outsideOrg({ provider: 'command', timeout_ms: 900_000 });
  write(org.root, 'agents/worker/resume.md', resume({ title: 'Worker', model: 'offline', credits: '1' }));
  org.plan({ manager: [{ hang: true, started: true }] });
  const programPid = (): number | undefined => (existsSync(`${org.script}.started`) ? Number(readFileSync(`${org.script}.started`, 'utf8')) : undefined);
  return { ...org, programPid };
}

describe('lemming doctor --call', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    test(`prints each model's line as it answers, says something true of the offline model, and ${signal} stops the program it started`, async () => {
      const org = hangingOrg();
      const doctor = startLemming(org.root, ['doctor', '--call']);
      let stdout = '';
      doctor.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const exited = new Promise<number | null>((resolve) => doctor.once('close', (code) => resolve(code)));
      try {
        // The offline model's line comes while the program still works.
        expect(await eventually(() => stdout.includes('offline (offline, for worker)') && org.childPid() !== undefined)).toBe(true);
        const offlineLine = stdout.split('\n').find((line) => line.includes('offline (offline, for worker)')) ?? '';
        expect(offlineLine).toBe('ok   offline (offline, for worker): built in: no network, no key; answers on this machine, without a call');
        expect(stdout).not.toContain('agent (command');
        const program = org.programPid() ?? 0;
        const grandchild = org.childPid() ?? 0;
        expect(isAlive(program) && isAlive(grandchild)).toBe(true);

        doctor.kill(signal);
        expect(await exited).toBe(signal === 'SIGTERM' ? 143 : 129);
        // Nothing it started survives it: the program and the child the program started.
        expect(await eventually(() => !isAlive(program) && !isAlive(grandchild), 100)).toBe(true);
      } finally {
        // A failing check leaves nothing behind either.
        for (const pid of [doctor.pid, org.programPid(), org.childPid()]) if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    });
  }

  test('has its own short timeout (--timeout): a program that does not answer fails the check, and its processes are stopped', async () => {
    const org = hangingOrg();
    const checked = await lemmingAsync(org.root, ['doctor', '--call', '--timeout', '1']);
    expect(checked.status).toBe(1);
    expect(checked.stdout).toMatch(/^FAIL agent \(command, for manager\): runs .*; no answer within 1 s \(lemming doctor --timeout\); its processes were stopped$/m);
    expect(checked.stdout).toContain('1 of 2 model(s) cannot answer here');
    expect(isAlive(org.programPid() ?? 0)).toBe(false);
    expect(await eventually(() => !isAlive(org.childPid() ?? 0), 100)).toBe(true);
  });
});
