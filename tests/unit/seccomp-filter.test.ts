import { describe, expect, test } from 'vitest';
import { filterMissing, seccompFilter } from '../../src/sandbox/seccomp-filter.js';

/**
 * The filter's bytes, run as the kernel runs them: a classic BPF interpreter of the four
 * instructions the filter uses, fed struct seccomp_data (the call's number at 0, the convention's
 * audit number at 4, the arguments as 64-bit words from 16). The numbers below are the kernel's own
 * tables, written out again here so that a number mistyped in the filter is caught by a second copy,
 * not by itself.
 */
function run(filter: Buffer, audit: number, call: number, args: readonly bigint[] = []): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(call >>> 0, 0);
  data.writeUInt32LE(audit >>> 0, 4);
  args.forEach((arg, index) => data.writeBigUInt64LE(arg, 16 + index * 8));
  let accumulator = 0;
  for (let at = 0; at * 8 < filter.length; at++) {
    const code = filter.readUInt16LE(at * 8);
    const jt = filter.readUInt8(at * 8 + 2);
    const jf = filter.readUInt8(at * 8 + 3);
    const k = filter.readUInt32LE(at * 8 + 4);
    if (code === 0x20) accumulator = data.readUInt32LE(k);
    else if (code === 0x54) accumulator = (accumulator & k) >>> 0;
    else if (code === 0x15) at += accumulator === k ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`instruction ${code.toString(16)} at ${at}`);
  }
  throw new Error('the filter ran off its end');
}

const ALLOW = 0x7fff0000;
const EPERM = 0x00050000 | 1;
const ENOSYS = 0x00050000 | 38;
const EOPNOTSUPP = 0x00050000 | 95;
const X32 = 0x40000000;

/**
 * Per convention: its audit number; fallocate, io_uring_setup, io_uring_enter, io_uring_register,
 * add_key, request_key, keyctl, setxattr, lsetxattr, fsetxattr, setxattrat there; ioctl there; then
 * calls that must pass (getxattr and removexattr among them: reading and removing an attribute takes nothing).
 */
const CONVENTIONS = {
  x86_64: { audit: 0xc000003e, refused: [285, 425, 426, 427, 248, 249, 250, 188, 189, 190, 463], ioctl: 16, allowed: [0, 1, 59, 247, 251, 286, 288, 324, 424, 428, 191, 193, 197, 199, 464, 466] },
  i386: { audit: 0x40000003, refused: [324, 425, 426, 427, 286, 287, 288, 226, 227, 228, 463], ioctl: 54, allowed: [3, 4, 11, 16, 248, 250, 285, 289, 424, 428, 229, 231, 235, 237, 464, 466] },
  aarch64: { audit: 0xc00000b7, refused: [47, 425, 426, 427, 217, 218, 219, 5, 6, 7, 463], ioctl: 29, allowed: [63, 64, 221, 216, 220, 285, 311, 16, 54, 424, 428, 8, 10, 14, 16, 464, 466] },
  arm: { audit: 0x40000028, refused: [352, 425, 426, 427, 309, 310, 311, 226, 227, 228, 463], ioctl: 54, allowed: [3, 4, 11, 29, 47, 219, 308, 312, 424, 428, 229, 231, 235, 237, 464, 466] },
};
const ERRNOS = [EOPNOTSUPP, ENOSYS, ENOSYS, ENOSYS, EPERM, EPERM, EPERM, EOPNOTSUPP, EOPNOTSUPP, EOPNOTSUPP, EOPNOTSUPP];

/** FS_IOC_RESVSP, FS_IOC_RESVSP64, FS_IOC_ZERO_RANGE, their 32-bit layouts', FICLONE, FICLONERANGE, FIDEDUPERANGE (include/uapi/linux/fs.h). */
const REFUSED_IOCTLS = [0x40305828, 0x4030582a, 0x40305839, 0x402c5828, 0x402c582a, 0x402c5839, 0x40049409, 0x4020940d, 0xc0189436];
/** TCGETS, FIONREAD, FS_IOC_GETFLAGS, FS_IOC_UNRESVSP (which frees blocks), FIOCLEX: ioctls that must pass. */
const ALLOWED_IOCTLS = [0x5401, 0x541b, 0x80086601, 0x4030582b, 0x5451];

describe('the sandbox seccomp filter', () => {
  test.each([
    ['x64', ['x86_64', 'i386']],
    ['arm64', ['aarch64', 'arm']],
  ] as const)('on %s, fallocate and the calls setting an extended attribute are refused with EOPNOTSUPP, the io_uring calls with ENOSYS, and add_key, request_key and keyctl with EPERM, in every convention; other calls pass', (arch, conventions) => {
    const filter = seccompFilter(arch);
    if (!filter) throw new Error(`no filter for ${arch}`);
    for (const name of conventions) {
      const convention = CONVENTIONS[name];
      convention.refused.forEach((call, index) => expect(run(filter, convention.audit, call), `${name} ${call}`).toBe(ERRNOS[index]));
      for (const call of convention.allowed) expect(run(filter, convention.audit, call), `${name} ${call}`).toBe(ALLOW);
    }
  });

  test.each([
    ['x64', ['x86_64', 'i386']],
    ['arm64', ['aarch64', 'arm']],
  ] as const)('on %s, ioctl with a preallocating or reflink command is refused with EOPNOTSUPP, whatever its upper 32 bits, in every convention; other commands pass', (arch, conventions) => {
    const filter = seccompFilter(arch);
    if (!filter) throw new Error(`no filter for ${arch}`);
    for (const name of conventions) {
      const { audit, ioctl } = CONVENTIONS[name];
      for (const command of REFUSED_IOCTLS) {
        expect(run(filter, audit, ioctl, [3n, BigInt(command)]), `${name} ${command.toString(16)}`).toBe(EOPNOTSUPP);
        // The kernel takes the command as 32 bits: bits above them do not let it through.
        expect(run(filter, audit, ioctl, [3n, (1n << 32n) | BigInt(command)]), `${name} ${command.toString(16)} with a high word`).toBe(EOPNOTSUPP);
        // The same number as another argument, or to another call, is no ioctl command.
        expect(run(filter, audit, ioctl, [BigInt(command), 0x5401n]), `${name} ${command.toString(16)} as the descriptor`).toBe(ALLOW);
        expect(run(filter, audit, 0, [3n, BigInt(command)]), `${name} call 0 with ${command.toString(16)}`).toBe(ALLOW);
      }
      for (const command of ALLOWED_IOCTLS) expect(run(filter, audit, ioctl, [3n, BigInt(command)]), `${name} ${command.toString(16)}`).toBe(ALLOW);
    }
  });

  test.each([
    ['x64', { x86_64: [319, 447, 30], i386: [356, 447, 397, 117] }],
    ['arm64', { aarch64: [279, 447, 196], arm: [385, 305] }],
  ] as const)('on %s, where no cgroup holds memory (address-space), memfd_create, memfd_secret and shmat (and i386\'s ipc) are refused with ENOSYS in every convention; under a cgroup they pass', (arch, unmapped) => {
    const held = seccompFilter(arch, 'address-space');
    const counted = seccompFilter(arch, 'cgroup');
    if (!held || !counted) throw new Error(`no filter for ${arch}`);
    for (const [name, calls] of Object.entries(unmapped)) {
      const convention = CONVENTIONS[name as keyof typeof CONVENTIONS];
      for (const call of calls) {
        expect(run(held, convention.audit, call), `${name} ${call}`).toBe(ENOSYS);
        expect(run(counted, convention.audit, call), `${name} ${call}`).toBe(ALLOW);
      }
      // The rest is the same filter.
      convention.refused.forEach((call, index) => expect(run(held, convention.audit, call), `${name} ${call}`).toBe(ERRNOS[index]));
      for (const call of convention.allowed) expect(run(held, convention.audit, call), `${name} ${call}`).toBe(ALLOW);
    }
  });

  test("on x86_64, x32's calls (the same numbers with bit 30 set, and x32's own ioctl, 514) are refused as well", () => {
    const filter = seccompFilter('x64');
    if (!filter) throw new Error('no filter for x64');
    CONVENTIONS.x86_64.refused.forEach((call, index) => expect(run(filter, CONVENTIONS.x86_64.audit, call | X32)).toBe(ERRNOS[index]));
    expect(run(filter, CONVENTIONS.x86_64.audit, 0 | X32)).toBe(ALLOW);
    expect(run(filter, CONVENTIONS.x86_64.audit, 514 | X32, [3n, 0x40049409n])).toBe(EOPNOTSUPP);
    expect(run(filter, CONVENTIONS.x86_64.audit, 514 | X32, [3n, 0x5401n])).toBe(ALLOW);
  });

  test("a convention the machine does not have is let through (the kernel makes no such calls), and another machine's numbers are not taken for its own", () => {
    const filter = seccompFilter('x64');
    if (!filter) throw new Error('no filter for x64');
    expect(run(filter, CONVENTIONS.aarch64.audit, 219)).toBe(ALLOW);
    expect(run(filter, 0, 250)).toBe(ALLOW);
  });

  test('where the system call numbers are not known there is no filter, and validate and every run say what is not refused', () => {
    expect(seccompFilter('riscv64')).toBeUndefined();
    expect(filterMissing('riscv64')).toBe(
      "lemming knows the system call numbers of x64 and arm64 only (this is riscv64), so the sandbox's seccomp filter is not applied: fallocate, io_uring_setup, io_uring_enter, io_uring_register, add_key, keyctl, request_key, setxattr, lsetxattr, fsetxattr, setxattrat and the ioctls FS_IOC_RESVSP, FS_IOC_RESVSP64, FS_IOC_ZERO_RANGE, FS_IOC_RESVSP_32, FS_IOC_RESVSP64_32, FS_IOC_ZERO_RANGE_32, FICLONE, FICLONERANGE, FIDEDUPERANGE are not refused, so a command can read and add keys in the session keyring of the user running lemming, and take disk blocks without writing them, faster than the disk quota is measured",
    );
    expect(filterMissing('x64')).toBeUndefined();
    expect(filterMissing('arm64')).toBeUndefined();
  });
});
