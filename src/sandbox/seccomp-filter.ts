/**
 * The sandbox's seccomp filter (classic BPF, as bwrap's `--seccomp` takes it): the system calls a
 * command is refused, and what each returns instead. Everything else is allowed: the filter is no
 * sandbox of its own (the namespaces of bwrap-arguments.ts are), it closes what they leave open.
 *
 * - fallocate(2), EOPNOTSUPP. It gives a file its blocks without writing them: one call per file of
 *   up to the size limit, tens of thousands of calls a second, would fill the disk between two
 *   measurements of the disk quota (disk-quota.ts) far faster than any write could. Refused,
 *   programs fall back to writing (glibc's posix_fallocate does), so a workspace grows only as fast
 *   as it is written.
 * - add_key(2), keyctl(2), request_key(2), EPERM (as Docker's and Flatpak's filters refuse them).
 *   The kernel keyring has no namespace: every process of a command inherits the session keyring of
 *   whoever started lemming, and possessing it is enough to search, read and add to it, whatever
 *   user the command is on the host. A new user namespace does not change that, bwrap has no option
 *   to join another keyring, and none of the programs a sandbox is started with (bwrap, setpriv,
 *   env, prlimit) can; Node cannot make the call. So the calls themselves are refused: no key can be
 *   found, read, linked, added or joined from inside (and /proc/keys, which would still list what the
 *   keyring holds, is hidden: bwrap-arguments.ts).
 */

/** The calls the filter refuses. */
type Refused = 'fallocate' | 'add_key' | 'keyctl' | 'request_key';

const EPERM = 1;
const EOPNOTSUPP = 95;

/** What each refused call returns: -1 with this errno. */
const REFUSALS: Readonly<Record<Refused, number>> = { fallocate: EOPNOTSUPP, add_key: EPERM, keyctl: EPERM, request_key: EPERM };

/** The refused calls, in the order the filter checks them and the warning names them. */
const REFUSED_CALLS: readonly Refused[] = Object.keys(REFUSALS) as Refused[];

/** One system call convention: the kernel's audit number for it, and the refused calls' numbers there. */
interface Convention {
  audit: number;
  numbers: Readonly<Record<Refused, number>>;
  /** x86_64, whose x32 calls are its own numbers with X32_BIT set. */
  x32?: true;
}

/** x86_64's x32 system calls are its own numbers with this bit set. */
const X32_BIT = 0x40000000;

/**
 * For each machine (Node's process.arch), the conventions its programs can call the kernel by: its
 * own, and its compat one (a 32-bit program written to the workspace, or 64-bit code entering by
 * `int 0x80`). Numbers from the kernel's syscall tables (arch/x86/entry/syscalls, arch/arm/tools,
 * include/uapi/asm-generic/unistd.h).
 */
const ARCHITECTURES: Readonly<Record<string, readonly Convention[]>> = {
  x64: [
    { audit: 0xc000003e, numbers: { fallocate: 285, add_key: 248, request_key: 249, keyctl: 250 }, x32: true },
    { audit: 0x40000003, numbers: { fallocate: 324, add_key: 286, request_key: 287, keyctl: 288 } },
  ],
  arm64: [
    { audit: 0xc00000b7, numbers: { fallocate: 47, add_key: 217, request_key: 218, keyctl: 219 } },
    { audit: 0x40000028, numbers: { fallocate: 352, add_key: 309, request_key: 310, keyctl: 311 } },
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
/** Offsets in struct seccomp_data. */
const SYSCALL_NUMBER = 0;
const ARCHITECTURE = 4;

/** Where a jump goes other than on, until the program is laid out: the next convention's check, or the return refusing with an errno. */
type Target = 'next convention' | { errno: number };

/**
 * The filter for this machine, as bytes for bwrap; undefined where lemming does not know its system
 * call numbers (commands then run without it, and `lemming validate` says so: filterMissing).
 * For each convention: is the call of it? then is its number one refused? A call of a convention
 * the machine does not have is allowed: no program on it can make one.
 */
export function seccompFilter(arch: string = process.arch): Buffer | undefined {
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
    steps.push({ code: RETURN, k: ALLOW });
  }
  // The returns every jump lands on: allow (after the last convention), then one per errno.
  const allow = steps.length;
  steps.push({ code: RETURN, k: ALLOW });
  const returns = new Map<number, number>();
  for (const errno of new Set(Object.values(REFUSALS))) {
    returns.set(errno, steps.length);
    steps.push({ code: RETURN, k: (ERRNO | errno) >>> 0 });
  }
  const program: Instruction[] = steps.map((step, index) => {
    const offset = (target: Target | undefined): number => {
      let at = index + 1;
      if (target === 'next convention') at = checks.find((check) => check > index) ?? allow;
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
    `${REFUSED_CALLS.join(', ')} are not refused, so a command can read and add keys in the session keyring of the user running lemming, and preallocate files faster than the disk quota is measured`
  );
}
