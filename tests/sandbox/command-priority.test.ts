import { getPriority } from 'node:os';
import { describe, expect, test } from 'vitest';
import { adversaryOrg } from '../helpers/adversary-org.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';

/**
 * A command an agent runs yields the CPU to lemming: the disk quota's glances are timers of lemming's
 * thread, and on a machine short of CPU a command writing at page-cache speed wrote a late glance's
 * worth past its quota (262 MiB against 64 in a loaded test suite). It and every process it starts
 * run ten nice levels below lemming (at most 19).
 */
describe.skipIf(SANDBOX_PROBLEM !== undefined)('a command runs at a lower priority than lemming', () => {
  test('the command and the processes it starts report a niceness ten above lemming\'s', async () => {
    const { run } = adversaryOrg();
    const ran = await run('nice; sh -c nice');
    const expected = String(Math.min(19, getPriority() + 10));
    expect(ran.result.content.split('\n').filter((line) => /^\d+$/.test(line.trim())).map((line) => line.trim())).toEqual([expected, expected]);
  });
});
