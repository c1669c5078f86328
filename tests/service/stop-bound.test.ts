import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/org-files.js';

/**
 * A process that installs the stop's guard as the service commands do and then never stops on its
 * own (its work "hangs"): what the guard alone does with one signal and with two.
 */
function hangingService(boundSeconds: number) {
  const module = join(REPO_ROOT, 'dist', 'cli', 'shutdown.js');
  const script = `
    const { guardShutdown } = await import(${JSON.stringify(module)});
    guardShutdown({ out: (line) => console.log(line), err: (line) => console.error(line) }, ${boundSeconds});
    console.log('ready');
    setInterval(() => undefined, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('ready') && resolve()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, stderr: () => stderr };
}

describe('the bound on a stop', () => {
  test('a stop that hangs past --shutdown-timeout is ended by the bound, with 130 and a line saying so', async () => {
    const service = hangingService(0.5);
    await service.ready;
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(130);
    expect(service.stderr()).toContain('did not stop within 0.5 s (--shutdown-timeout): quitting now; the next start recovers');
  });

  test('a second signal quits at once, before the bound', async () => {
    const service = hangingService(600);
    await service.ready;
    service.child.kill('SIGTERM');
    service.child.kill('SIGINT');
    expect(await service.exited).toBe(130);
    // Which of the two is handled second is the kernel's and Node's order, not ours.
    expect(service.stderr()).toMatch(/SIG(INT|TERM) again: quitting now; the next start recovers/);
    expect(service.stderr()).not.toContain('did not stop within');
  });
});
