import { describe, expect, test } from 'vitest';
import { filterMissing, seccompFilter } from '../../src/sandbox/seccomp-filter.js';

/**
 * The filter's bytes, run as the kernel runs them: a classic BPF interpreter of the four
 * instructions the filter uses, fed struct seccomp_data (the call's number at 0, the convention's
 * audit number at 4). The numbers below are the kernel's own tables, written out again here so that
 * a number mistyped in the filter is caught by a second copy, not by itself.
 */
function run(filter: Buffer, audit: number, call: number): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(call >>> 0, 0);
  data.writeUInt32LE(audit >>> 0, 4);
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
const EOPNOTSUPP = 0x00050000 | 95;
const X32 = 0x40000000;

/** Per convention: its audit number, and fallocate, add_key, request_key, keyctl there (then calls that must pass). */
const CONVENTIONS = {
  x86_64: { audit: 0xc000003e, refused: [285, 248, 249, 250], allowed: [0, 1, 59, 247, 251, 286, 288, 324] },
  i386: { audit: 0x40000003, refused: [324, 286, 287, 288], allowed: [3, 4, 11, 248, 250, 285, 289] },
  aarch64: { audit: 0xc00000b7, refused: [47, 217, 218, 219], allowed: [63, 64, 221, 216, 220, 285, 311] },
  arm: { audit: 0x40000028, refused: [352, 309, 310, 311], allowed: [3, 4, 11, 47, 219, 308, 312] },
};
const ERRNOS = [EOPNOTSUPP, EPERM, EPERM, EPERM];

describe('the sandbox seccomp filter', () => {
  test.each([
    ['x64', ['x86_64', 'i386']],
    ['arm64', ['aarch64', 'arm']],
  ] as const)('on %s, fallocate is refused with EOPNOTSUPP and add_key, request_key and keyctl with EPERM, in every convention; other calls pass', (arch, conventions) => {
    const filter = seccompFilter(arch);
    if (!filter) throw new Error(`no filter for ${arch}`);
    for (const name of conventions) {
      const convention = CONVENTIONS[name];
      convention.refused.forEach((call, index) => expect(run(filter, convention.audit, call), `${name} ${call}`).toBe(ERRNOS[index]));
      for (const call of convention.allowed) expect(run(filter, convention.audit, call), `${name} ${call}`).toBe(ALLOW);
    }
  });

  test("on x86_64, x32's calls (the same numbers with bit 30 set) are refused as well", () => {
    const filter = seccompFilter('x64');
    if (!filter) throw new Error('no filter for x64');
    CONVENTIONS.x86_64.refused.forEach((call, index) => expect(run(filter, CONVENTIONS.x86_64.audit, call | X32)).toBe(ERRNOS[index]));
    expect(run(filter, CONVENTIONS.x86_64.audit, 0 | X32)).toBe(ALLOW);
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
      "lemming knows the system call numbers of x64 and arm64 only (this is riscv64), so the sandbox's seccomp filter is not applied: fallocate, add_key, keyctl, request_key are not refused, so a command can read and add keys in the session keyring of the user running lemming, and preallocate files faster than the disk quota is measured",
    );
    expect(filterMissing('x64')).toBeUndefined();
    expect(filterMissing('arm64')).toBeUndefined();
  });
});
