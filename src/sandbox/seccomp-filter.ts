/**
 * The sandbox's seccomp filter (classic BPF, as bwrap's `--seccomp` takes it): the system calls a
 * command is refused, and what each returns instead. Everything else is allowed: the filter is no
 * sandbox of its own (the namespaces of bwrap-arguments.ts are), it closes what they leave open.
 *
 * Disk blocks are taken only as fast as they are written, so that the disk quota's measurements
 * (disk-quota.ts) keep up with a command: a call that gives a file its blocks without writing them,
 * one call per file of up to the size limit or (where the file's size does not change, so its size
 * limit is not checked) of any length, would fill the disk between two measurements far faster than
 * any write could. `tests/sandbox/adversary-disk-calls.test.ts` makes each of these calls from inside.
 *
 * - fallocate(2), EOPNOTSUPP. Refused, programs fall back to writing (glibc's posix_fallocate does).
 * - io_uring_setup(2), io_uring_enter(2), io_uring_register(2), ENOSYS. A ring's operations are
 *   never system calls the filter sees, so fallocate's refusal does not reach them:
 *   IORING_OP_FALLOCATE with FALLOC_FL_KEEP_SIZE took 8 GiB in one call against a quota of 16 MiB.
 *   No ring can be made, as container runtimes' default profiles have it. ENOSYS rather than their
 *   EPERM: a program that uses io_uring where it can (libuv, liburing's users) already meets kernels
 *   without it (built without it, or older than 5.1), which answer ENOSYS, and takes the plain calls.
 * - ioctl(2) with the commands of REFUSED_IOCTLS, EOPNOTSUPP, what a file system without them answers
 *   (so `cp --reflink=auto` copies instead). FS_IOC_RESVSP, FS_IOC_RESVSP64 and FS_IOC_ZERO_RANGE
 *   (with their 32-bit layouts' numbers) are fallocate with FALLOC_FL_KEEP_SIZE by another door, on
 *   every file system: 1 GiB each in one call. FICLONE, FICLONERANGE and FIDEDUPERANGE give a file
 *   blocks it did not write too (another file's, shared): refused, every block a workspace holds was
 *   written there. ext4 and tmpfs, where the tests run, make no reflinks at all, so there the
 *   refusal costs nothing and is what the test holds. The kernel reads the command as 32 bits (the low word of
 *   the argument, little-endian on both machines), so only that word is compared: bits above it
 *   cannot dodge the filter.
 * - add_key(2), keyctl(2), request_key(2), EPERM (as Docker's and Flatpak's filters refuse them).
 *   The kernel keyring has no namespace: every process of a command inherits the session keyring of
 *   whoever started lemming, and possessing it is enough to search, read and add to it, whatever
 *   user the command is on the host. A new user namespace does not change that, bwrap has no option
 *   to join another keyring, and none of the programs a sandbox is started with (bwrap, setpriv,
 *   env, prlimit) can; Node cannot make the call. So the calls themselves are refused: no key can be
 *   found, read, linked, added or joined from inside (and /proc/keys, which would still list what the
 *   keyring holds, is hidden: bwrap-arguments.ts).
 *
 * - setxattr(2), lsetxattr(2), fsetxattr(2), setxattrat(2), EOPNOTSUPP, what a file system without
 *   extended attributes answers (`cp -a` and `tar` then copy without them). An attribute of a few KB
 *   takes a block beside its file, and ext4 shares one block among every file given the same
 *   attribute: the file system's count of used blocks, which the quota glances at, hardly moves while
 *   each file says it holds the block (20,000 files with a 4 KB attribute ended at 78 MiB against
 *   `disk_mb: 16` once in twelve runs: only a walk could see them); on tmpfs an attribute takes memory
 *   no count of blocks shows. Reading and removing attributes pass (`adversary-xattrs.test.ts`).
 *
 * Where no memory cgroup holds memory_mb (memoryBound in launch-command.ts: each process is held by
 * its address space alone), memory that outlives every address space is refused as well, ENOSYS (as
 * on a kernel built without it): memfd_create(2), whose files written and kept open held 1 GiB against
 * memory_mb: 256; memfd_secret(2), whose pages, mapped a piece at a time (under RLIMIT_MEMLOCK) and
 * unmapped, stay in its file (512 MiB); and shmat(2) (with i386's ipc(2), by which its C libraries
 * make it), whose System V segments, filled and detached, held 1 GiB (`unprivileged-lemming.test.ts`).
 * Under a cgroup all are counted with the rest of the command's memory, and allowed.
 *
 * What writes take is bounded elsewhere, and held by tests of its own: copy_file_range, sendfile,
 * splice and pages written through a shared mapping write blocks as a write does, under the file
 * size limit and the quota's measurements (`adversary-quota-routes.test.ts`); memfd files under a
 * cgroup, /tmp and /dev/shm are memory, under memory_mb and tmp_mb.
 */

import type { MemoryBound } from './bwrap-arguments.js';

/** The calls the filter refuses. */
type Refused = 'fallocate' | 'io_uring_setup' | 'io_uring_enter' | 'io_uring_register' | 'add_key' | 'keyctl' | 'request_key' | 'setxattr' | 'lsetxattr' | 'fsetxattr' | 'setxattrat';

const EPERM = 1;
const ENOSYS = 38;
const EOPNOTSUPP = 95;

/** What each refused call returns: -1 with this errno. */
const REFUSALS: Readonly<Record<Refused, number>> = {
  fallocate: EOPNOTSUPP,
  io_uring_setup: ENOSYS,
  io_uring_enter: ENOSYS,
  io_uring_register: ENOSYS,
  add_key: EPERM,
  keyctl: EPERM,
  request_key: EPERM,
  setxattr: EOPNOTSUPP,
  lsetxattr: EOPNOTSUPP,
  fsetxattr: EOPNOTSUPP,
  setxattrat: EOPNOTSUPP,
};

/** The refused calls, in the order the filter checks them and the warning names them. */
const REFUSED_CALLS: readonly Refused[] = Object.keys(REFUSALS) as Refused[];

/**
 * The ioctl commands refused (with EOPNOTSUPP), by the kernel's numbers (include/uapi/linux/fs.h;
 * the `_32` ones are the packed 32-bit struct space_resv's, fs/ioctl.c): the same in every
 * convention.
 */
const REFUSED_IOCTLS: Readonly<Record<string, number>> = {
  FS_IOC_RESVSP: 0x40305828,
  FS_IOC_RESVSP64: 0x4030582a,
  FS_IOC_ZERO_RANGE: 0x40305839,
  FS_IOC_RESVSP_32: 0x402c5828,
  FS_IOC_RESVSP64_32: 0x402c582a,
  FS_IOC_ZERO_RANGE_32: 0x402c5839,
  FICLONE: 0x40049409,
  FICLONERANGE: 0x4020940d,
  FIDEDUPERANGE: 0xc0189436,
};
const IOCTL_ERRNO = EOPNOTSUPP;

/** The calls making memory no address space holds, refused (with ENOSYS) where no cgroup holds memory_mb. */
type Unmapped = 'memfd_create' | 'memfd_secret' | 'shmat' | 'ipc';
const UNMAPPED_ERRNO = ENOSYS;

/** One system call convention: the kernel's audit number for it, the refused calls' numbers there, and ioctl's. */
interface Convention {
  audit: number;
  numbers: Readonly<Record<Refused, number>>;
  /** ioctl's numbers (x86_64's x32 calls have one of their own). */
  ioctl: readonly number[];
  /** The Unmapped calls this convention has. */
  unmapped: Readonly<Partial<Record<Unmapped, number>>>;
  /** x86_64, whose x32 calls are its own numbers with X32_BIT set. */
  x32?: true;
}

/** x86_64's x32 system calls are its own numbers with this bit set. */
const X32_BIT = 0x40000000;

/** io_uring's calls have the same numbers in every convention here (the kernel gave them one number everywhere), as has setxattrat (Linux 6.13). */
const IO_URING = { io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427 } as const;
const SETXATTRAT = 463;

/**
 * For each machine (Node's process.arch), the conventions its programs can call the kernel by: its
 * own, and its compat one (a 32-bit program written to the workspace, or 64-bit code entering by
 * `int 0x80`). Numbers from the kernel's syscall tables (arch/x86/entry/syscalls, arch/arm/tools,
 * include/uapi/asm-generic/unistd.h).
 */
const ARCHITECTURES: Readonly<Record<string, readonly Convention[]>> = {
  x64: [
    {
      audit: 0xc000003e,
      numbers: { fallocate: 285, ...IO_URING, add_key: 248, request_key: 249, keyctl: 250, setxattr: 188, lsetxattr: 189, fsetxattr: 190, setxattrat: SETXATTRAT },
      ioctl: [16, 514],
      unmapped: { memfd_create: 319, memfd_secret: 447, shmat: 30 },
      x32: true,
    },
    {
      audit: 0x40000003,
      numbers: { fallocate: 324, ...IO_URING, add_key: 286, request_key: 287, keyctl: 288, setxattr: 226, lsetxattr: 227, fsetxattr: 228, setxattrat: SETXATTRAT },
      ioctl: [54],
      unmapped: { memfd_create: 356, memfd_secret: 447, shmat: 397, ipc: 117 },
    },
  ],
  arm64: [
    {
      audit: 0xc00000b7,
      numbers: { fallocate: 47, ...IO_URING, add_key: 217, request_key: 218, keyctl: 219, setxattr: 5, lsetxattr: 6, fsetxattr: 7, setxattrat: SETXATTRAT },
      ioctl: [29],
      unmapped: { memfd_create: 279, memfd_secret: 447, shmat: 196 },
    },
    // 32-bit arm has no memfd_secret (its number is reserved).
    {
      audit: 0x40000028,
      numbers: { fallocate: 352, ...IO_URING, add_key: 309, request_key: 310, keyctl: 311, setxattr: 226, lsetxattr: 227, fsetxattr: 228, setxattrat: SETXATTRAT },
      ioctl: [54],
      unmapped: { memfd_create: 385, shmat: 305 },
    },
  ],
};

/** One instruction: struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }. */
type Instruction = [code: number, jt: number, jf: number, k: number];

const LOAD_WORD = 0x20; // BPF_LD | BPF_W | BPF_ABS
const AND = 0x54; // BPF_ALU | BPF_AND | BPF_K
const JUMP_EQUAL = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const RETURN = 0x06; // BPF_RET | BPF_K
const ALLOW = 0x7fff0000; // SECCOMP_RET_ALLOW
const ERRNO = 0x00050000; // SECCOMP_RET_ERRNO
/** Offsets in struct seccomp_data: the call's number, the convention's audit number, and the low word of the second argument (ioctl's command). */
const SYSCALL_NUMBER = 0;
const ARCHITECTURE = 4;
const SECOND_ARGUMENT_LOW = 24;

/**
 * Where a jump goes other than on, until the program is laid out: the next convention's check, the
 * check of ioctl's command, or the return refusing with an errno.
 */
type Target = 'next convention' | 'ioctl command' | { errno: number };

/**
 * The filter for this machine, as bytes for bwrap; undefined where lemming does not know its system
 * call numbers (commands then run without it, and `lemming validate` says so: filterMissing).
 * For each convention: is the call of it? then is its number one refused, or ioctl's (then is its
 * command one refused)? A call of a convention the machine does not have is allowed: no program on it
 * can make one. `memory` is what holds memory_mb: by 'address-space', the Unmapped calls are refused too.
 */
export function seccompFilter(arch: string = process.arch, memory: MemoryBound = 'cgroup'): Buffer | undefined {
  const conventions = ARCHITECTURES[arch];
  if (!conventions) return undefined;
  const steps: Array<{ code: number; k: number; jt?: Target; jf?: Target }> = [{ code: LOAD_WORD, k: ARCHITECTURE }];
  const checks: number[] = [];
  for (const convention of conventions) {
    checks.push(steps.length);
    steps.push({ code: JUMP_EQUAL, k: convention.audit, jf: 'next convention' });
    steps.push({ code: LOAD_WORD, k: SYSCALL_NUMBER });
    if (convention.x32) steps.push({ code: AND, k: ~X32_BIT >>> 0 });
    for (const call of REFUSED_CALLS) steps.push({ code: JUMP_EQUAL, k: convention.numbers[call], jt: { errno: REFUSALS[call] } });
    for (const ioctl of convention.ioctl) steps.push({ code: JUMP_EQUAL, k: ioctl, jt: 'ioctl command' });
    if (memory === 'address-space') for (const call of Object.values(convention.unmapped)) steps.push({ code: JUMP_EQUAL, k: call, jt: { errno: UNMAPPED_ERRNO } });
    steps.push({ code: RETURN, k: ALLOW });
  }
  // ioctl's command, the same for every convention.
  const ioctlCommand = steps.length;
  steps.push({ code: LOAD_WORD, k: SECOND_ARGUMENT_LOW });
  for (const command of Object.values(REFUSED_IOCTLS)) steps.push({ code: JUMP_EQUAL, k: command, jt: { errno: IOCTL_ERRNO } });
  // The returns every jump lands on: allow (after the last convention, and for any other ioctl), then one per errno.
  const allow = steps.length;
  steps.push({ code: RETURN, k: ALLOW });
  const returns = new Map<number, number>();
  for (const errno of new Set([...Object.values(REFUSALS), IOCTL_ERRNO, UNMAPPED_ERRNO])) {
    returns.set(errno, steps.length);
    steps.push({ code: RETURN, k: (ERRNO | errno) >>> 0 });
  }
  const program: Instruction[] = steps.map((step, index) => {
    const offset = (target: Target | undefined): number => {
      let at = index + 1;
      if (target === 'next convention') at = checks.find((check) => check > index) ?? allow;
      else if (target === 'ioctl command') at = ioctlCommand;
      else if (target !== undefined) at = returns.get(target.errno) ?? allow;
      // Classic BPF jumps only forward, by at most 255 instructions: a longer list of calls needs another layout.
      const jump = at - index - 1;
      if (jump < 0 || jump > 255) throw new Error(`seccomp filter: a jump of ${jump} instructions`);
      return jump;
    };
    return [step.code, offset(step.jt), offset(step.jf), step.k];
  });
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], index) => {
    bytes.writeUInt16LE(code, index * 8);
    bytes.writeUInt8(jt, index * 8 + 2);
    bytes.writeUInt8(jf, index * 8 + 3);
    bytes.writeUInt32LE(k, index * 8 + 4);
  });
  return bytes;
}

/**
 * What `lemming validate` and every run say where the filter cannot be applied (an architecture
 * whose system call numbers lemming does not know), or undefined where it is.
 */
export function filterMissing(arch: string = process.arch): string | undefined {
  if (ARCHITECTURES[arch]) return undefined;
  return (
    `lemming knows the system call numbers of ${Object.keys(ARCHITECTURES).join(' and ')} only (this is ${arch}), so the sandbox's seccomp filter is not applied: ` +
    `${REFUSED_CALLS.join(', ')} and the ioctls ${Object.keys(REFUSED_IOCTLS).join(', ')} are not refused, so a command can read and add keys in the session keyring of the user running lemming, and take disk blocks without writing them, faster than the disk quota is measured`
  );
}
