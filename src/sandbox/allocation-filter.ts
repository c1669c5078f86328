/**
 * A seccomp filter (classic BPF, as bwrap's `--seccomp` takes it) that refuses fallocate(2) with
 * EOPNOTSUPP inside the sandbox. fallocate gives a file its blocks without writing them: one call
 * per file of up to the size limit, tens of thousands of calls a second, would fill the disk
 * between two measurements of the disk quota (disk-quota.ts) far faster than any write could.
 * Refused, programs fall back to writing (glibc's posix_fallocate does), so a workspace grows only
 * as fast as it is written. Everything else is allowed: the filter is no sandbox of its own.
 */

/** One instruction: struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }. */
type Instruction = [code: number, jt: number, jf: number, k: number];

const LOAD_WORD = 0x20; // BPF_LD | BPF_W | BPF_ABS
const AND = 0x54; // BPF_ALU | BPF_AND | BPF_K
const JUMP_EQUAL = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const RETURN = 0x06; // BPF_RET | BPF_K
const ALLOW = 0x7fff0000; // SECCOMP_RET_ALLOW
const ERRNO = 0x00050000; // SECCOMP_RET_ERRNO
const EOPNOTSUPP = 95;
/** Offsets in struct seccomp_data. */
const SYSCALL_NUMBER = 0;
const ARCHITECTURE = 4;
/** x86_64's x32 system calls are its own numbers with this bit set. */
const X32_BIT = 0x40000000;

/** An architecture's calls: the kernel's audit number for it, and fallocate's system call number there. */
interface Calls {
  audit: number;
  fallocate: number;
  /** x86_64, whose x32 calls are its own numbers with X32_BIT set. */
  x32?: true;
}

/** For each machine, the calls its programs can make: its own, and (a 32-bit program written to the workspace) its compat ones. */
const ARCHITECTURES: Readonly<Record<string, readonly Calls[]>> = {
  x64: [
    { audit: 0xc000003e, fallocate: 285, x32: true },
    { audit: 0x40000003, fallocate: 324 },
  ],
  arm64: [
    { audit: 0xc00000b7, fallocate: 47 },
    { audit: 0x40000028, fallocate: 352 },
  ],
};

/** The filter for this machine's architecture, as bytes for bwrap; undefined where it knows none (commands then run without it). */
export function allocationFilter(arch: string = process.arch): Buffer | undefined {
  const known = ARCHITECTURES[arch];
  if (!known) return undefined;
  // Jump targets are symbolic until the end: 'deny', 'allow', or the next architecture's check.
  type Target = number | 'deny' | 'allow' | 'next';
  const steps: Array<{ code: number; k: number; jt?: Target; jf?: Target }> = [{ code: LOAD_WORD, k: ARCHITECTURE }];
  const checks: number[] = [];
  for (const calls of known) {
    checks.push(steps.length);
    steps.push({ code: JUMP_EQUAL, k: calls.audit, jf: 'next' });
    steps.push({ code: LOAD_WORD, k: SYSCALL_NUMBER });
    if (calls.x32) steps.push({ code: AND, k: ~X32_BIT >>> 0 });
    steps.push({ code: JUMP_EQUAL, k: calls.fallocate, jt: 'deny', jf: 'allow' });
  }
  const deny = steps.length;
  const allow = deny + 1;
  const program: Instruction[] = steps.map((step, index) => {
    const nextCheck = checks.find((check) => check > index) ?? allow;
    const resolve = (target: Target | undefined): number => {
      const at = target === undefined ? index + 1 : target === 'deny' ? deny : target === 'allow' ? allow : target === 'next' ? nextCheck : target;
      return at - index - 1;
    };
    return [step.code, resolve(step.jt), resolve(step.jf), step.k];
  });
  program.push([RETURN, 0, 0, ERRNO | EOPNOTSUPP], [RETURN, 0, 0, ALLOW]);
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], index) => {
    bytes.writeUInt16LE(code, index * 8);
    bytes.writeUInt8(jt, index * 8 + 2);
    bytes.writeUInt8(jf, index * 8 + 3);
    bytes.writeUInt32LE(k, index * 8 + 4);
  });
  return bytes;
}
