import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { copyFilePieces } from '../../src/storage/copy-file.js';
import { tempDir } from '../helpers/temp-org.js';

afterEach(() => vi.restoreAllMocks());

test('copying a resume of a few hundred bytes asks for a buffer its size, not a MiB (a 2,000-agent dry run copies 2,000 of them)', () => {
  const folder = tempDir();
  const from = join(folder, 'resume.md');
  const text = `---\ntitle: Analyst\nmodel: offline\ncredits: 0.2\n---\n${'You are an analyst. '.repeat(12)}\n`;
  writeFileSync(from, text);
  const allocations = vi.spyOn(Buffer, 'allocUnsafe');
  const fd = openSync(from, 'r');
  try {
    expect(copyFilePieces(fd, join(folder, 'copy.md'), { length: Buffer.byteLength(text), mode: 0o644 })).toEqual({ bytes: Buffer.byteLength(text), cut: false });
  } finally {
    closeSync(fd);
  }
  expect(readFileSync(join(folder, 'copy.md'), 'utf8')).toBe(text);
  const largest = Math.max(0, ...allocations.mock.calls.map(([size]) => size));
  expect(largest).toBeLessThanOrEqual(Buffer.byteLength(text));
});
