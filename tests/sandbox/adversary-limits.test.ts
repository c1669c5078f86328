import { describe, expect, test } from 'vitest';
import { adversaryOrg } from '../helpers/adversary-org.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';

/**
 * The adversary suite, memory and devices: memory_mb bounds all a command's processes hold
 * together, shared memory and tmpfs pages included (a cgroup), /dev/shm is counted in tmp_mb, and
 * nothing else of /dev can be written.
 */

/** Map `mib` MiB of shared anonymous memory and touch every page; prints how far it got. */
const SHARED_MMAP = (mib: number): string =>
  `python3 -c "
import mmap, sys
size = ${mib} << 20
area = mmap.mmap(-1, size, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
for offset in range(0, size, 4096):
    area[offset] = 1
    if offset % (64 << 20) == 0: print('touched', offset >> 20, 'MiB', flush=True)
print('all', ${mib}, 'MiB touched')
"`;

describe.skipIf(SANDBOX_PROBLEM !== undefined)('adversary: memory and /dev are bounded', () => {
  test('2 GiB of shared anonymous memory, touched page by page, fails under memory_mb: 256, and the result says the memory limit stopped it', async () => {
    const { run } = adversaryOrg('memory_mb: 256, timeout_ms: 60000');
    const ran = await run(SHARED_MMAP(2048));
    expect(ran.result.content).not.toContain('all 2048 MiB touched');
    expect(ran.result.content).not.toMatch(/touched (3\d\d|[4-9]\d\d|\d{4}) MiB/);
    expect(ran.command?.stoppedBy).toBe('memory');
    expect(ran.result.content).toContain('stopped: it ran out of memory: its processes together reached 256 MiB, the memory limit (engine.sandbox.memory_mb)');
  });

  test('the same program within the limit runs to its end', async () => {
    const { run } = adversaryOrg('memory_mb: 256, timeout_ms: 60000');
    const ran = await run(SHARED_MMAP(64));
    expect(ran.result.content).toContain('all 64 MiB touched');
    expect(ran.command?.exit).toBe(0);
  });

  test('/dev/shm holds no more than tmp_mb, together with /tmp', async () => {
    const { run } = adversaryOrg('tmp_mb: 16, timeout_ms: 60000');
    const ran = await run('head -c 12000000 /dev/zero > /tmp/twelve; head -c 1000000000 /dev/zero > /dev/shm/big; echo "exit $?"; du -sk /dev/shm/ | cut -f1');
    expect(ran.result.content).toMatch(/No space left on device/);
    const kib = Number(/exit 1\n(\d+)\n/.exec(ran.result.content)?.[1]);
    // What /tmp holds is counted too: 16 MiB for both.
    expect(kib).toBeLessThanOrEqual(16 * 1024 - 11_700);
  });

  test('the rest of /dev cannot be written; its devices still work', async () => {
    const { run } = adversaryOrg();
    const ran = await run('echo x > /dev/evil || echo dev-read-only; mkdir /dev/more || echo no-mkdir; echo fine > /dev/null && echo null-works; head -c 3 /dev/zero | wc -c; echo x > /dev/shm/note && cat /dev/shm/note');
    expect(ran.result.content).toContain('dev-read-only\n');
    expect(ran.result.content).toContain('no-mkdir\n');
    expect(ran.result.content).toContain('null-works\n3\nx\n');
  });
});
