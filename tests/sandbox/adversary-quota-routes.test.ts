import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { folderUsage } from '../../src/sandbox/disk-usage.js';
import { adversaryOrg } from '../helpers/adversary-org.js';
import { distReachable, IDENTITIES, runCommandAs } from '../helpers/lemming-as.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/**
 * The adversary suite, the other routes to the disk and to memory that the seccomp filter lets
 * through (seccomp-filter.ts says why): each writes what it takes, so each meets a bound that holds
 * already, and these tests hold it. The kernel's copies (copy_file_range, sendfile, splice) of a
 * sparse file write every block of the copy, Linux AIO's writes are writes, and pages written
 * through a shared mapping of a file take their blocks as they are dirtied: each is stopped by the
 * disk quota like a loop of writes (adversary-quota.test.ts), each file no larger than the room left (the file size limit), with
 * lemming run by root (the quota holds the command still while it measures) and by an ordinary user
 * with no cgroup (it measures while the command goes on). A memfd is memory, counted by the
 * command's memory cgroup (where there is none, memfd_create is refused: unprivileged-lemming.test.ts);
 * /tmp and /dev/shm written through a mapping stop at their size.
 */

const MIB = 1024 * 1024;
/**
 * The overshoot allowed past a 16 MiB quota. Each call here writes 15 MiB at once (a copy in the kernel,
 * a page fault a page), and the quota's glances are timers of the engine's thread, which a loaded
 * machine keeps waiting: 16 to 80 MiB by hand, 86 and 163 MiB in fresh-clone suites on 2 cores. What
 * the test holds is that each route is stopped by the quota as writes are, where io_uring's fallocate
 * took 8 GiB in one call: a bound far below that, not a tight one.
 */
const OVERSHOOT = 512 * MIB;

/**
 * Copies a sparse file of 15 MiB (one the quota counts as nothing) into new files in a loop, by
 * `method` (`aio`: Linux AIO's writes of as many zeros, which seccomp never sees one by one, after
 * one at 8 GiB); prints `all copied` if never stopped.
 */
const COPIES = (method: 'copy_file_range' | 'sendfile' | 'splice' | 'aio'): string => `python3 -c "
import ctypes, os, platform, signal, struct
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
size = 15 << 20
source = os.open('sparse.src', os.O_CREAT | os.O_RDWR, 0o644)
os.ftruncate(source, size)
print('source takes', os.fstat(source).st_blocks * 512 >> 20, 'MiB', flush=True)
libc = ctypes.CDLL(None, use_errno=True)
IO_SETUP, IO_SUBMIT, IO_GETEVENTS = (206, 209, 208) if platform.machine() == 'x86_64' else (0, 2, 4)
context = ctypes.c_ulong(0)
zeros = ctypes.create_string_buffer(size)
def aio_write(target, length, start):
    # struct iocb with IOCB_CMD_PWRITE (1); the result is the io_event's res.
    iocb = ctypes.create_string_buffer(struct.pack('<QIIHhIQQqQII', 0, 0, 0, 1, 0, target, ctypes.addressof(zeros), length, start, 0, 0, 0), 64)
    if libc.syscall(IO_SUBMIT, context, ctypes.c_long(1), (ctypes.c_void_p * 1)(ctypes.addressof(iocb))) != 1: return -ctypes.get_errno()
    event = ctypes.create_string_buffer(32)
    libc.syscall(IO_GETEVENTS, context, ctypes.c_long(1), ctypes.c_long(1), event, None)
    return struct.unpack_from('<qqqq', event)[2]
if '${method}' == 'aio':
    libc.syscall(IO_SETUP, ctypes.c_uint(1), ctypes.byref(context))
    print('aio write at 8 GiB:', aio_write(os.open('far', os.O_CREAT | os.O_WRONLY, 0o644), 1, 8 << 30), flush=True)
def copy(target, length, start):
    if '${method}' == 'aio': return aio_write(target, length, start)
    if '${method}' == 'copy_file_range': return os.copy_file_range(source, target, length, start)
    if '${method}' == 'sendfile': return os.sendfile(target, source, start, length)
    read, write = os.pipe()
    moved = os.splice(source, write, min(length, 65536), offset_src=start)
    os.splice(read, target, moved)
    os.close(read); os.close(write)
    return moved
for index in range(100000):
    target = os.open('copy%d' % index, os.O_CREAT | os.O_WRONLY, 0o644)
    done = 0
    while done < size:
        moved = copy(target, size - done, done)
        if moved <= 0: break
        done += moved
    os.close(target)
print('all copied', flush=True)
"`;

/** Dirties every page of shared mappings of sparse 15 MiB files in a loop (MADV_POPULATE_WRITE: a write fault a page), after trying a file of 8 GiB. */
const MAPPED_WRITES = `python3 -c "
import mmap, os, signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
huge = os.open('huge', os.O_CREAT | os.O_RDWR, 0o644)
try:
    os.ftruncate(huge, 8 << 30)
    print('8 GiB file made', flush=True)
except OSError as error:
    print('8 GiB file:', error.strerror, flush=True)
size = 15 << 20
for index in range(100000):
    fd = os.open('mapped%d' % index, os.O_CREAT | os.O_RDWR, 0o644)
    os.ftruncate(fd, size)
    area = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    area.madvise(23)
    area.close()
    os.close(fd)
print('all mapped and written', flush=True)
"`;

describe.skipIf(SANDBOX_PROBLEM !== undefined)('adversary: what the filter lets through writes what it takes, and meets the quota or the memory limit', () => {
  for (const identity of IDENTITIES) {
    const reachable = distReachable(identity);
    if (!reachable) console.warn(`quota-route tests as ${identity.name} skipped: the built modules cannot be read`);
    const routes = [
      ['copy_file_range from a sparse file into files in a loop', COPIES('copy_file_range')],
      ['sendfile from a sparse file into files in a loop', COPIES('sendfile')],
      ['splice from a sparse file into files in a loop', COPIES('splice')],
      ['Linux AIO writes (io_submit) into files in a loop', COPIES('aio')],
      ['pages dirtied through shared mappings of sparse files in a loop (MADV_POPULATE_WRITE)', MAPPED_WRITES],
    ] as const;
    test.skipIf(!reachable).each(routes)(`lemming run by ${identity.name}: %s is stopped by the quota, within the bound of a loop of writes`, async (_route, command) => {
      const root = defaultOrg();
      write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, 'engine:\n  sandbox: { disk_mb: 16, max_file_mb: 1024, timeout_ms: 60000 }\n'));
      const result = runCommandAs(identity, root, command);
      expect(result).not.toContain('all copied');
      expect(result).not.toContain('all mapped and written');
      // A sparse source counts nothing; a file larger than the room left cannot be made.
      if (command === MAPPED_WRITES) expect(result).toContain('8 GiB file: File too large');
      else expect(result).toContain('source takes 0 MiB');
      // An AIO write is checked against the file size limit as a write is: EFBIG.
      if (command === COPIES('aio')) expect(result).toContain('aio write at 8 GiB: -27');
      expect(result).toMatch(/stopped: your workspace takes [\d.,]+ MiB of disk, and its quota is 16 MiB/);
      const used = (await folderUsage(join(root, 'agents/coder_01/workspace'), { clearSetId: false })).bytes;
      expect(used).toBeGreaterThanOrEqual(16 * MIB);
      expect(used).toBeLessThanOrEqual(16 * MIB + OVERSHOOT);
    });
  }

  test("memfd files, kept open and never mapped, count against the command's memory: 2 GiB of them stop at memory_mb: 256", async () => {
    const { run } = adversaryOrg('memory_mb: 256, timeout_ms: 60000');
    const ran = await run(`python3 -c "
import os
chunk = b'x' * (1 << 20)
kept = []
for index in range(128):
    fd = os.memfd_create('held%d' % index)
    for _ in range(16): os.write(fd, chunk)
    kept.append(fd)
    if index % 16 == 15: print('memfd holds', (index + 1) * 16, 'MiB', flush=True)
print('all 2048 MiB held', flush=True)
"`);
    expect(ran.result.content).not.toContain('all 2048 MiB held');
    expect(ran.result.content).not.toMatch(/memfd holds (2[6-9]\d|[3-9]\d\d|\d{4}) MiB/);
    expect(ran.command?.stoppedBy).toBe('memory');
    expect(ran.result.content).toContain('stopped: it ran out of memory: its processes together reached 256 MiB, the memory limit (engine.sandbox.memory_mb)');
  });

  test('/tmp and /dev/shm written through shared mappings of sparse files stop at their size (tmp_mb)', async () => {
    const { run } = adversaryOrg('tmp_mb: 16, timeout_ms: 60000');
    const mapped = (folder: string): string => `python3 -c "
import mmap, os
fd = os.open('${folder}/huge', os.O_CREAT | os.O_RDWR, 0o644)
os.ftruncate(fd, 1 << 30)
area = mmap.mmap(fd, 1 << 30, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
for offset in range(0, 1 << 30, 4096): area[offset] = 1
print('1 GiB written')
"; echo "exit $?"; du -sk ${folder} | cut -f1`;
    const ran = await run(`${mapped('/tmp')}; ${mapped('/dev/shm')}`);
    expect(ran.result.content).not.toContain('1 GiB written');
    // SIGBUS (exit 135) at the first page past the tmpfs's size, for each.
    const [tmp, shm] = [...ran.result.content.matchAll(/exit 135\n(\d+)\n/g)].map((match) => Number(match[1]));
    expect(tmp).toBeLessThanOrEqual(12 * 1024);
    expect(shm).toBeLessThanOrEqual(4 * 1024);
  });
});
