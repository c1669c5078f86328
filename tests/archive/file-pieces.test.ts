import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { secretCutter } from '../../src/secrets/secret-stream.js';
import { cutSecrets, registerSecret } from '../../src/secrets/secrets.js';
import { copyFilePieces } from '../../src/storage/copy-file.js';
import { sweepTemporaryFolders, temporaryFolder } from '../../src/storage/temporary-files.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { seededRandom } from '../helpers/seeded-random.js';

const MIB = 1024 * 1024;

/** What a cutter makes of `text` fed in pieces cut where `splits` say. */
function cutInPieces(text: string, splits: number[]): string {
  const cutter = secretCutter();
  if (!cutter) throw new Error('no secrets registered');
  const bytes = Buffer.from(text, 'latin1');
  const out: Buffer[] = [];
  let at = 0;
  for (const split of [...splits, bytes.length]) {
    out.push(...cutter.push(bytes.subarray(at, split)));
    at = split;
  }
  out.push(...cutter.end());
  return Buffer.concat(out).toString('latin1');
}

// This file registers secrets for the process: it runs in a process of its own (tests/archive is not a shared folder).
describe('a file leaves the process a piece at a time, cut and sparse', () => {
  afterEach(() => vi.restoreAllMocks());

  test('a secret split across pieces anywhere, as written, JSON-escaped or in base64, is cut exactly as the whole text is', () => {
    registerSecret('PIECES_TOKEN', 'sk-piece/"token"+0123456789');
    const value = 'sk-piece/"token"+0123456789';
    const forms = [value, JSON.stringify(value).slice(1, -1), Buffer.from(value).toString('base64'), encodeURIComponent(value)];
    const random = seededRandom(7);
    for (let round = 0; round < 200; round += 1) {
      const parts: string[] = [];
      for (let index = 0; index < 6; index += 1) parts.push('x'.repeat(random.int(0, 300)), random.pick(forms), random.chance(0.3) ? '\n' : ' ');
      const text = parts.join('');
      const splits = Array.from({ length: 8 }, () => random.int(0, text.length)).sort((left, right) => left - right);
      expect(cutInPieces(text, splits)).toBe(cutSecrets(text));
    }
    // One byte at a time.
    const text = `before ${value} after`;
    expect(cutInPieces(text, Array.from({ length: text.length }, (_, index) => index))).toBe('before [secret PIECES_TOKEN] after');
  });

  test('a copy keeps holes as holes, turns zeros into holes, and ends at the same size', () => {
    const folder = tempDir();
    const sparse = join(folder, 'sparse.img');
    writeFileSync(sparse, 'head');
    truncateSync(sparse, 64 * MIB);
    const zeros = join(folder, 'zeros.bin');
    writeFileSync(zeros, Buffer.alloc(8 * MIB));
    for (const from of [sparse, zeros]) {
      const fd = openSync(from, 'r');
      const to = `${from}.copy`;
      try {
        copyFilePieces(fd, to, { length: statSync(from).size, mode: 0o640 });
      } finally {
        closeSync(fd);
      }
      const copied = statSync(to);
      expect(copied.size).toBe(statSync(from).size);
      expect(copied.blocks * 512).toBeLessThan(64 * 1024);
      expect(copied.mode & 0o777).toBe(0o640);
    }
    expect(readFileSync(`${sparse}.copy`).subarray(0, 4).toString()).toBe('head');
    // A file longer than the length given (it grew after a walk measured it) is copied no further.
    const fd = openSync(sparse, 'r');
    try {
      expect(copyFilePieces(fd, `${sparse}.short`, { length: 3, mode: 0o640 }).bytes).toBe(3);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(`${sparse}.short`, 'utf8')).toBe('hea');
  });

  test('a file of zeros with a secret in it, a secret known, is copied without a string or a buffer for each piece: what the copy makes does not grow with the file', () => {
    registerSecret('ZEROS_TOKEN', 'sk-zeros-0123456789abcdef');
    const folder = tempDir();
    const from = join(folder, 'disk.img');
    writeFileSync(from, 'head');
    truncateSync(from, 64 * MIB);
    const marked = openSync(from, 'r+');
    writeSync(marked, 'key: sk-zeros-0123456789abcdef\n', 40 * MIB - 7);
    closeSync(marked);
    // Bytes made into latin1 strings, and bytes of buffers made, while the copy runs (counts, not timings).
    let stringBytes = 0;
    let bufferBytes = 0;
    const toString = Buffer.prototype.toString;
    vi.spyOn(Buffer.prototype, 'toString').mockImplementation(function (this: Buffer, encoding?: BufferEncoding, start?: number, end?: number) {
      if (encoding === 'latin1') stringBytes += (end ?? this.length) - (start ?? 0);
      return toString.call(this, encoding, start, end);
    } as never);
    for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
      const allocate = Buffer[name] as (size: number, ...rest: unknown[]) => Buffer;
      vi.spyOn(Buffer, name).mockImplementation(((size: number, ...rest: unknown[]) => {
        bufferBytes += size;
        return allocate.call(Buffer, size, ...rest);
      }) as never);
    }
    // Written: the file with the value's 25 characters cut to its marker's 20.
    const written = 64 * MIB - 'sk-zeros-0123456789abcdef'.length + '[secret ZEROS_TOKEN]'.length;
    const fd = openSync(from, 'r');
    try {
      expect(copyFilePieces(fd, `${from}.copy`, { length: 64 * MIB, mode: 0o600, cutter: secretCutter() })).toEqual({ bytes: written, cut: true });
    } finally {
      closeSync(fd);
    }
    vi.restoreAllMocks();
    // Its one read buffer (a MiB), and the piece holding the secret made into text and back (a MiB and
    // `longest` bytes each way): 64 MiB of strings and 64 MiB of buffers before, one of each for each MiB read.
    expect(stringBytes).toBeLessThanOrEqual(2 * MIB);
    expect(bufferBytes).toBeLessThanOrEqual(4 * MIB);
    const copy = readFileSync(`${from}.copy`);
    expect(copy.length).toBe(written);
    expect(copy.subarray(0, 4).toString()).toBe('head');
    const line = 'key: [secret ZEROS_TOKEN]\n';
    expect(copy.subarray(40 * MIB - 7, 40 * MIB - 7 + line.length).toString()).toBe(line);
    expect(statSync(`${from}.copy`).blocks * 512).toBeLessThan(64 * 1024);
  });

  test('a file with no place to split (hex with no line end, every byte one a form may hold) is held as its pieces came, copied a bounded number of times, not once again for each piece', () => {
    registerSecret('HEX_TOKEN', 'sk-hex-0123456789abcdef');
    const cutter = secretCutter();
    if (!cutter) throw new Error('no cutter with a secret known');
    // 16 pieces of a MiB of hex digits, each a character the value holds: nowhere to split until the end.
    const piece = Buffer.alloc(MIB, '0123456789abcdef');
    let copied = 0;
    const concat = Buffer.concat;
    vi.spyOn(Buffer, 'concat').mockImplementation(((list: readonly Uint8Array[], length?: number) => {
      const made = concat(list, length);
      copied += made.length;
      return made;
    }) as never);
    const from = Buffer.from as (value: unknown, ...rest: unknown[]) => Buffer;
    vi.spyOn(Buffer, 'from').mockImplementation(((value: unknown, ...rest: unknown[]) => {
      const made = from.call(Buffer, value, ...rest);
      copied += made.length;
      return made;
    }) as never);
    const out: Buffer[] = [];
    for (let index = 0; index < 16; index += 1) {
      const held = cutter.push(piece);
      expect(held).toEqual([]);
    }
    out.push(...cutter.end());
    vi.restoreAllMocks();
    expect(Buffer.concat(out).equals(Buffer.alloc(16 * MIB, '0123456789abcdef'))).toBe(true);
    // Each piece copied once as it is held, once as they are joined, and the joined text once cut: some 3 × 16 MiB.
    // Made one again at each piece, what was held was copied 1 + 2 + … + 16 = 136 MiB.
    expect(copied).toBeLessThanOrEqual(3 * 16 * MIB + MIB);
  });

  test('a value across the cut of a file with no place to split, held to its most, is cut all the same: as the whole text is', () => {
    const value = 'sk-bound-0123456789abcdef';
    registerSecret('BOUND_TOKEN', value);
    // Held to its most at 64 KiB (64 MiB as exports run): hex digits and the value's own characters, nowhere to split.
    const most = 64 * 1024;
    for (const offset of [0, most - value.length - 1, most - value.length, most - 12, most - 1, most, most + 3, 2 * most - 5]) {
      const bytes = Buffer.alloc(4 * most, '0123456789abcdef');
      bytes.write(value, offset, 'latin1');
      const cutter = secretCutter(most);
      if (!cutter) throw new Error('no cutter with a secret known');
      const out: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += 16 * 1024) out.push(...cutter.push(bytes.subarray(at, at + 16 * 1024)));
      out.push(...cutter.end());
      const text = Buffer.concat(out).toString('latin1');
      expect(text, `the value at ${offset}`).not.toContain(value);
      expect(text, `the value at ${offset}`).toBe(cutSecrets(bytes.toString('latin1')));
      expect(cutter.cut).toBe(true);
    }
  });

  test("a sweep of temporary folders removes those of processes gone, and leaves this process's own", () => {
    const mine = temporaryFolder('pieces-test');
    // A folder named for a process that no longer runs (pid 2^22 - 1 is past any default pid_max but the largest).
    const gone = join(tmpdir(), 'lemming-pieces-test-4194303-abcdef');
    writeFileSync(join(mine, 'kept'), 'x');
    mkdirSync(gone);
    expect(sweepTemporaryFolders('pieces-test')).toBe(1);
    expect(statSync(join(mine, 'kept')).isFile()).toBe(true);
    expect(() => statSync(gone)).toThrow();
    rmSync(mine, { recursive: true });
  });
});
