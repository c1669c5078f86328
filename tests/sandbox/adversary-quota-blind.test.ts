import { describe, expect, test } from 'vitest';
import { folderUsage } from '../../src/sandbox/disk-usage.js';
import { adversaryOrg } from '../helpers/adversary-org.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { join } from 'node:path';

const MIB = 1024 * 1024;

/** Make `count` empty files in the workspace as fast as Python can, then write 1 MiB files until stopped (or 2,000 of them). */
const BLINDING = (count: number): string =>
  [
    'import os',
    `for index in range({count}):`.replace('{count}', String(count)),
    "    os.close(os.open(f'e{index}', os.O_CREAT | os.O_WRONLY, 0o644))",
    "print('empty files made', flush=True)",
    'block = b"x" * (1 << 20)',
    'for index in range(2000):',
    "    with open(f'w{index}', 'wb') as out: out.write(block)",
    "print('all written')",
  ].join('\n');

/**
 * The disk quota cannot be blinded. Many empty files hold no blocks, so the quota never minded them,
 * and a measurement of that many took seconds: a command that made 200,000 of them, then wrote in a
 * loop, ended at 4 GiB against a quota of 64 MiB. Plain 1 MiB writes alone ended 108 to 620 MiB past
 * it on a busy machine: the page cache takes writes faster than a walk can see them. Now a file count
 * is part of the quota (engine.sandbox.max_files), and a command's writes are seen as the host's file
 * system counts them, then measured with the command held still: what it writes past the quota is
 * bounded by the quota again, whatever the number of files.
 */
describe.skipIf(SANDBOX_PROBLEM !== undefined)('a disk quota no number of files can blind', () => {
  // Three times the quota, not twice: the glances are timers of the engine's thread, and a test suite on 2
  // cores keeps that thread waiting while the command writes at page-cache speed: 134 and 135 MiB were seen in
  // fresh-clone suites (64 to 79 by hand, 72 to 157 beside two busy loops). Before the glances it was 4,003 MiB.
  test('200,000 empty files, then a loop of 1 MiB writes: the workspace ends within three times its 64 MiB quota', async () => {
    // Minutes to spare: on a machine busy with other work, making 200,000 files beside the quota's walks takes a while.
    const { root, run } = adversaryOrg('disk_mb: 64, max_files: 300000, timeout_ms: 200000');
    const ran = await run('python3 -', BLINDING(200_000));
    expect(ran.command?.stoppedBy).toBe('quota');
    expect(ran.result.content).not.toContain('all written');
    const used = await folderUsage(join(root, 'agents/coder_01/workspace'), { clearSetId: false });
    expect(used.bytes).toBeGreaterThanOrEqual(64 * MIB);
    expect(used.bytes).toBeLessThanOrEqual(3 * 64 * MIB);
  }, 300_000);

  test('a loop of plain 1 MiB writes ends within twice the quota', async () => {
    const { root, run } = adversaryOrg('disk_mb: 64, timeout_ms: 60000');
    const ran = await run('i=0; while [ $i -lt 4096 ]; do head -c 1048576 /dev/zero > f$i || exit 3; i=$((i+1)); done; echo "all $i written"');
    expect(ran.command?.stoppedBy).toBe('quota');
    const used = await folderUsage(join(root, 'agents/coder_01/workspace'), { clearSetId: false });
    expect(used.bytes).toBeLessThanOrEqual(2 * 64 * MIB);
  });

  test('the files a workspace holds are bounded too (engine.sandbox.max_files): 200,000 empty files stop at 20,000 and twice that at most; the next command may only remove, and does', async () => {
    const { root, run } = adversaryOrg('max_files: 20000, timeout_ms: 60000');
    const ran = await run('python3 -', BLINDING(200_000));
    expect(ran.command?.stoppedBy).toBe('quota');
    expect(ran.result.content).toContain('stopped: your workspace holds more than 20,000 files, folders and links, its limit (engine.sandbox.max_files); remove files');
    expect(ran.result.content).not.toContain('empty files made');
    const used = await folderUsage(join(root, 'agents/coder_01/workspace'), { clearSetId: false });
    expect(used.entries).toBeGreaterThanOrEqual(20_000);
    expect(used.entries).toBeLessThanOrEqual(40_000);
    const held = await run('touch one-more && echo touched');
    expect(held.result.content).toContain('past its quota when this command started, so it could remove files and write none');
    expect(held.result.content).toContain('disk quota met: your workspace holds more than 20,000 files, folders and links, its limit (engine.sandbox.max_files)');
    const cleared = await run('rm -f e*');
    expect(cleared.result.content).toContain('it is within its quota now');
  });

  test('a chain of folders deeper than a workspace may nest is past the quota too: said, and the next command may remove it', async () => {
    const { run } = adversaryOrg('timeout_ms: 60000');
    const ran = await run('p=.; for i in $(seq 0 80); do p=$p/d$i; done; mkdir -p $p && echo made');
    // Stopped by a measurement while mkdir went on, or said once it had ended: either way the chain is named.
    expect(ran.result.content).toMatch(/(stopped|disk quota met): your workspace holds d0\/d1\/[^ ]*\/d64 \(a folder nested too deep\), which lemming does not read \(a file may be no larger than the quota of 1,024 MiB, folders may nest 64 deep and a path be 1,024 bytes long\); remove it \(with rm in a command\): until then a command may remove files and write none/);
    const removed = await run('rm -rf d0');
    expect(removed.result.content).toContain('your workspace was past its quota when this command started, so it could remove files and write none; it is within its quota now');
  });
});
