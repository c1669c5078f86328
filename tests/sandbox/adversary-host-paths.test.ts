import { describe, expect, test } from 'vitest';
import { adversaryOrg } from '../helpers/adversary-org.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';

/**
 * The adversary suite, host paths: nothing a command reads names where the org lives on the host,
 * except the one place that cannot be hidden (the sources of the workspace's mounts in
 * /proc/self/mountinfo; see the threat model in docs/sandbox.md), which this test pins down to those lines.
 */
describe.skipIf(SANDBOX_PROBLEM !== undefined)('adversary: no host path inside', () => {
  test('the environment, every process\'s environ, cmdline and working folder, and /proc/mounts name no host path', async () => {
    const { root, run } = adversaryOrg();
    const ran = await run(
      [
        'pwd',
        'env',
        'for p in /proc/[0-9]*; do cat $p/environ $p/cmdline 2>/dev/null | tr "\\0" "\\n"; readlink $p/cwd $p/root $p/exe 2>/dev/null; done',
        'cat /proc/1/environ | tr "\\0" "\\n"',
        'cat /proc/self/mounts',
        'ls -la /proc/self/fd/ 2>/dev/null',
      ].join('; echo ---; '),
    );
    expect(ran.command?.exit).toBe(0);
    expect(ran.result.content.split('--- stdout')[1]).toMatch(/^ \(\d[\d,]* bytes\) ---\n\/workspace\n/);
    expect(ran.result.content).not.toContain(root);
    expect(ran.result.content).not.toContain(process.cwd());
    expect(ran.result.content).not.toMatch(/PWD=\/(?!workspace)/);
  });

  test('/proc/self/mountinfo names the org\'s folders only as the sources of /workspace and /shared', async () => {
    const { root, run } = adversaryOrg();
    const ran = await run('cat /proc/self/mountinfo');
    const naming = ran.result.content.split('\n').filter((line) => line.includes(root));
    expect(naming.map((line) => line.split(' ')[4]).sort()).toEqual(['/shared', '/workspace']);
  });
});
