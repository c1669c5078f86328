import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { folderUsage } from '../../src/sandbox/disk-usage.js';
import { distReachable, IDENTITIES, runCommandAs, spawnAs } from '../helpers/lemming-as.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/**
 * The adversary suite, blocks taken without writing them by calls other than fallocate(2): a ring of
 * io_uring submitting IORING_OP_FALLOCATE (seccomp never sees the operation, and with
 * FALLOC_FL_KEEP_SIZE the file's size does not change, so its size limit is not checked: one call
 * took 8 GiB against `disk_mb: 16`), the preallocating ioctls every file system takes
 * (FS_IOC_RESVSP, FS_IOC_RESVSP64, FS_IOC_ZERO_RANGE: fallocate with KEEP_SIZE by another name), and
 * the reflink ioctls (FICLONE, FICLONERANGE, FIDEDUPERANGE). Each is refused by the seccomp filter,
 * by the 64-bit calls and, on x86_64, the 32-bit entry (`int 0x80`) as well; the workspace ends
 * with nothing taken. Run by root (the command is `nobody` on the host) and by an ordinary user
 * (here `nobody`, started with setpriv; when the tests run as an ordinary user, that user).
 */
const PYTHON = '/usr/bin/python3';
const MIB = 1024 * 1024;

/** io_uring's calls and ioctl by number where the tests run (the same on x86_64 and arm64's generic table, but for ioctl). */
const CALLS = ({ x64: { setup: 425, enter: 426, register: 427, ioctl: 16 }, arm64: { setup: 425, enter: 426, register: 427, ioctl: 29 } } as const)[
  process.arch as 'x64' | 'arm64'
];

const ENOSYS = 38;
const EOPNOTSUPP = 95;

/**
 * Prints the descriptor io_uring_setup gives (or the errno it is refused with): run outside the
 * sandbox, it shows that this kernel offers io_uring to the identity at all, so that a refusal inside
 * is the filter's and not the kernel's (`kernel.io_uring_disabled`).
 */
const RING_OUTSIDE = (setup: number): string =>
  `import ctypes; libc = ctypes.CDLL(None, use_errno=True); ring = libc.syscall(${setup}, ctypes.c_uint(1), ctypes.create_string_buffer(120)); print(ring if ring >= 0 else -ctypes.get_errno())`;

/**
 * What the hostile command runs (python3 on stdin). Each call prints its result or `refused, errno N`;
 * where the kernel would refuse it too, it is given an argument the kernel answers with another errno
 * (a descriptor of -1: EBADF; no argument: EFAULT; a 32-bit ioctl number on the 64-bit entry: ENOTTY),
 * so what the line says is the filter's answer. It says `done` at its end, so a command that never
 * ran cannot pass for one that was refused.
 */
function adversaryProgram(calls: NonNullable<typeof CALLS>): string {
  return `
import ctypes, mmap, os, platform, struct
libc = ctypes.CDLL(None, use_errno=True)
SETUP, ENTER, REGISTER, IOCTL = ${calls.setup}, ${calls.enter}, ${calls.register}, ${calls.ioctl}
GIB = 1 << 30
def said(what, result):
    print(what, result if result >= 0 else "refused, errno %d" % ctypes.get_errno(), flush=True)
    return result
def taken(fd): return os.fstat(fd).st_blocks * 512 >> 20
ring_file = os.open("ring.bin", os.O_CREAT | os.O_RDWR, 0o644)
params = ctypes.create_string_buffer(120)
ring = said("io_uring_setup", libc.syscall(SETUP, ctypes.c_uint(1), params))
if ring >= 0:
    # IORING_OP_FALLOCATE (17) of 8 GiB with FALLOC_FL_KEEP_SIZE: fd, off = offset, addr = length, len = mode.
    sq_entries, cq_entries = struct.unpack_from("<2I", params, 0)
    sq = struct.unpack_from("<7I", params, 40)
    cq = struct.unpack_from("<6I", params, 80)
    rings = mmap.mmap(ring, max(sq[6] + sq_entries * 4, cq[5] + cq_entries * 16), mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=0)
    sqes = mmap.mmap(ring, sq_entries * 64, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=0x10000000)
    sqes[0:64] = struct.pack("<BBHiQQII", 17, 0, 0, ring_file, 0, 8 * GIB, 1, 0).ljust(64, b"\\0")
    tail = struct.unpack_from("<I", rings, sq[1])[0]
    struct.pack_into("<I", rings, sq[6] + (tail & sq[2]) * 4, 0)
    struct.pack_into("<I", rings, sq[1], tail + 1)
    said("io_uring_enter (a fallocate of 8 GiB)", libc.syscall(ENTER, ctypes.c_int(ring), ctypes.c_uint(1), ctypes.c_uint(1), ctypes.c_uint(1), None, ctypes.c_size_t(0)))
    print("the ring's fallocate took", taken(ring_file), "MiB", flush=True)
said("io_uring_enter", libc.syscall(ENTER, ctypes.c_int(ring), ctypes.c_uint(0), ctypes.c_uint(0), ctypes.c_uint(0), None, ctypes.c_size_t(0)))
said("io_uring_register", libc.syscall(REGISTER, ctypes.c_int(ring), ctypes.c_uint(1), None, ctypes.c_uint(0)))
if platform.machine() == "x86_64":
    # io_uring_setup through the 32-bit entry (int 0x80: i386's numbers), its parameters below 4 GiB (MAP_32BIT).
    area = mmap.mmap(-1, 4096, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x40, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    base = ctypes.addressof(ctypes.c_char.from_buffer(area))
    word = lambda value: struct.pack("<I", value & 0xffffffff)
    code = b"\\x53\\xb8" + word(425) + b"\\xbb" + word(1) + b"\\xb9" + word(base + 256) + b"\\xcd\\x80\\x5b\\xc3"
    area[0:len(code)] = code
    child = os.fork()
    if child == 0:
        result = ctypes.CFUNCTYPE(ctypes.c_int)(base)()
        print("io_uring_setup (i386)", result if result >= 0 else "refused, errno %d" % -result, flush=True)
        os._exit(0)
    if os.waitpid(child, 0)[1] != 0: print("io_uring_setup (i386): no 32-bit entry on this kernel", flush=True)
reserved = os.open("reserved.bin", os.O_CREAT | os.O_RDWR, 0o644)
def ioctl(name, command, argument):
    said(name, libc.syscall(IOCTL, ctypes.c_int(reserved), ctypes.c_ulong(command), argument))
# struct space_resv: l_type, l_whence, l_start, l_len, ...: 1 GiB each, one after the other, with the file's size unchanged.
space = lambda start: ctypes.create_string_buffer(struct.pack("@hhqqiI4i", 0, 0, start, GIB, 0, 0, 0, 0, 0, 0), 48)
ioctl("FS_IOC_RESVSP", 0x40305828, space(0))
ioctl("FS_IOC_RESVSP64", 0x4030582A, space(GIB))
ioctl("FS_IOC_ZERO_RANGE", 0x40305839, space(2 * GIB))
ioctl("FS_IOC_RESVSP_32", 0x402C5828, space(3 * GIB))
ioctl("FS_IOC_RESVSP64_32", 0x402C582A, space(3 * GIB))
ioctl("FS_IOC_ZERO_RANGE_32", 0x402C5839, space(3 * GIB))
print("the ioctls took", taken(reserved), "MiB", flush=True)
ioctl("FICLONE", 0x40049409, ctypes.c_long(-1))
ioctl("FICLONE with bits above 32 set", 0x140049409, ctypes.c_long(-1))
ioctl("FICLONERANGE", 0x4020940D, None)
ioctl("FIDEDUPERANGE", 0xC0189436, None)
ioctl("FIONREAD", 0x541B, ctypes.byref(ctypes.c_int()))
print("done", flush=True)
`;
}

describe.skipIf(SANDBOX_PROBLEM !== undefined || CALLS === undefined)('adversary: no call takes blocks without writing them', () => {
  for (const identity of IDENTITIES) {
    // The kernel must offer io_uring to the identity outside, or a refusal inside would prove nothing of the filter.
    const outside = CALLS ? Number(spawnAs(identity, [PYTHON, '-c', RING_OUTSIDE(CALLS.setup)]).stdout.trim()) : -1;
    const reachable = outside >= 0 && distReachable(identity);
    if (!reachable) console.warn(`disk-call test as ${identity.name} skipped: io_uring_setup outside the sandbox gave ${outside}, or the built modules cannot be read`);
    test.skipIf(!reachable)(
      `lemming run by ${identity.name}: io_uring, the preallocating and the reflink ioctls are refused inside (io_uring works outside), and the workspace takes nothing`,
      async () => {
        if (!CALLS) throw new Error('no calls known here');
        const root = defaultOrg();
        write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, 'engine:\n  sandbox: { disk_mb: 16, timeout_ms: 60000 }\n'));
        const stdout = runCommandAs(identity, root, 'python3 -', adversaryProgram(CALLS));
        // The command ran to its end.
        expect(stdout).toMatch(/exit code 0/);
        expect(stdout).toContain('done');
        // io_uring is not there, as on a kernel built without it: ENOSYS, by every call and the 32-bit entry.
        expect(stdout).toContain(`io_uring_setup refused, errno ${ENOSYS}\n`);
        expect(stdout).toContain(`io_uring_enter refused, errno ${ENOSYS}\n`);
        expect(stdout).toContain(`io_uring_register refused, errno ${ENOSYS}\n`);
        if (process.arch === 'x64') expect(stdout).toMatch(new RegExp(`io_uring_setup \\(i386\\) (refused, errno ${ENOSYS}|: no 32-bit entry on this kernel)\n`));
        // The preallocating and reflink ioctls are not supported, as fallocate is not; other ioctls pass.
        for (const name of ['FS_IOC_RESVSP', 'FS_IOC_RESVSP64', 'FS_IOC_ZERO_RANGE', 'FS_IOC_RESVSP_32', 'FS_IOC_RESVSP64_32', 'FS_IOC_ZERO_RANGE_32', 'FICLONE', 'FICLONE with bits above 32 set', 'FICLONERANGE', 'FIDEDUPERANGE']) {
          expect(stdout).toContain(`\n${name} refused, errno ${EOPNOTSUPP}\n`);
        }
        expect(stdout).toContain('FIONREAD 0\n');
        expect(stdout).toContain('the ioctls took 0 MiB');
        // Nothing taken: the workspace holds two empty files.
        expect((await folderUsage(join(root, 'agents/coder_01/workspace'), { clearSetId: false })).bytes).toBeLessThan(MIB);
      },
    );
  }
});
