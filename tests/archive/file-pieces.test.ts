import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
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
    out.push(cutter.push(bytes.subarray(at, split)));
    at = split;
  }
  out.push(cutter.end());
  return Buffer.concat(out).toString('latin1');
}

// This file registers secrets for the process: it runs in a process of its own (tests/archive is not a shared folder).
describe('a file leaves the process a piece at a time, cut and sparse', () => {
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
