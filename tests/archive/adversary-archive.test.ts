import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { create, extract } from 'tar';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { lemmingPeakMemory } from '../helpers/peak-memory.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { mountSmallDisk, smallDisksRefused } from '../helpers/small-disk.js';
import { besidesProgress } from '../helpers/progress-lines.js';

const MIB = 1024 * 1024;

/**
 * Archives restore what they archive. An org holding one 900 MB file of zeros, inside its 1 GiB quota,
 * exported silently into an archive `lemming import` refused ("max decompression ratio exceeded:
 * 1000.01 > 1000"), after 1 to 2 GiB of memory: one command made every later backup of the org
 * unrestorable. Now an export copies a file a piece at a time (its secrets cut as it goes, its holes
 * kept), and an import is bounded by what its entries say they hold and the disk's room, not by how
 * well they compress.
 */
describe('an archive of zeros restores, and is made in bounded memory', () => {
  test('a workspace holding 300 MiB of zeros (a sparse file), with a secret the org names: export stays under 200 MB, the archive imports, the file comes back whole and sparse copies take no disk', () => {
    const root = defaultOrg();
    writeFileSync(join(root, '.env'), 'OPENAI_API_KEY=sk-live-0123456789abcdef\n');
    const workspace = join(root, 'agents/coder_01/workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'zeros.img'), '');
    // A secret split across the copy's pieces is cut all the same.
    writeFileSync(join(workspace, 'notes.md'), `${'x'.repeat(MIB - 10)}key: sk-live-0123456789abcdef\n`);
    // The same org with 30 MiB of zeros first: what the export holds beyond it must not grow with the file.
    truncateSync(join(workspace, 'zeros.img'), 30 * MIB);
    const smaller = lemmingPeakMemory(root, ['export', join(tempDir(), 'smaller.tar.gz')]);
    expect(smaller.status, smaller.output).toBe('0');
    truncateSync(join(workspace, 'zeros.img'), 300 * MIB);
    const archive = join(tempDir(), 'org.tar.gz');
    // The lower peak of two exports when the first is past the bound: in a suite run beside other heavy work the first
    // failed it once and passed three times alone; an export that held the file would be some 270 MiB past it both times.
    const exports = [lemmingPeakMemory(root, ['export', archive])];
    if ((exports[0]?.maxRssKb ?? 0) - smaller.maxRssKb >= 16 * 1024) exports.push(lemmingPeakMemory(root, ['export', archive]));
    const exported = exports.reduce((low, next) => (next.maxRssKb < low.maxRssKb ? next : low));
    for (const each of exports) expect(each.status, each.output).toBe('0');
    expect(exported.maxRssKb).toBeLessThan(200 * 1024);
    // Ten times the file, less than one of node-tar's default 16 MiB read buffers more: 114 and 122 MB
    // (the pieces copied and archived a MiB at a time, none kept); 150 and 192 MB when each MiB the
    // secrets were cut from became a string, its copy and a buffer, and node-tar read 16 MiB at a time.
    expect(exported.maxRssKb - smaller.maxRssKb).toBeLessThan(16 * 1024);
    expect(exported.output).toContain('secret values cut from: agents/coder_01/workspace/notes.md');
    // zeros compress a thousand to one: the archive is small.
    expect(statSync(archive).size).toBeLessThan(2 * MIB);
    const imported = join(tempDir(), 'imported');
    const back = lemming(imported, ['import', archive]);
    expect(besidesProgress(back.stderr)).toBe('');
    expect(back.status).toBe(0);
    expect(statSync(join(imported, 'agents/coder_01/workspace/zeros.img')).size).toBe(300 * MIB);
    const notes = readFileSync(join(imported, 'agents/coder_01/workspace/notes.md'), 'utf8');
    expect(notes).toContain('key: [secret OPENAI_API_KEY]');
    expect(notes).not.toContain('sk-live');
  }, 180_000);

  test('an archive holding 900 MiB of zeros imports in under 200 MiB of memory, each entry streamed to disk, the file sparse again', async () => {
    // The archive as node-tar writes one, streamed from a sparse file: an org's export, with 900 MiB of zeros added.
    const root = defaultOrg();
    const small = join(tempDir(), 'small.tar.gz');
    expect(lemming(root, ['export', small]).status).toBe(0);
    const unpacked = tempDir();
    await extract({ file: small, cwd: unpacked });
    const zeros = join(unpacked, 'workspace/zeros.img');
    mkdirSync(join(unpacked, 'workspace'), { recursive: true });
    writeFileSync(zeros, '');
    truncateSync(zeros, 900 * MIB);
    // A few bytes that are not zeros, at the start, in the middle and at the very end: the holes are between them.
    const marks: Array<[number, string]> = [[0, 'start'], [450 * MIB + 1, 'middle'], [900 * MIB - 3, 'end']];
    const marked = openSync(zeros, 'r+');
    for (const [at, text] of marks) writeSync(marked, text, at);
    closeSync(marked);
    const archive = join(tempDir(), 'zeros.tar.gz');
    await create({ gzip: true, file: archive, cwd: unpacked, portable: true }, ['lemming-export.json', 'org', 'agents', 'workspace']);
    expect(statSync(archive).size).toBeLessThan(2 * MIB);

    const imported = join(tempDir(), 'imported');
    const back = lemmingPeakMemory(imported, ['import', archive]);
    expect(back.status, back.output).toBe('0');
    // It held the whole file: 1,011 MiB before.
    expect(back.maxRssKb).toBeLessThan(200 * 1024);
    const file = join(imported, 'workspace/zeros.img');
    expect(statSync(file).size).toBe(900 * MIB);
    // Sparse: the holes take no disk (900 MiB before).
    expect(statSync(file).blocks * 512).toBeLessThan(MIB);
    const descriptor = openSync(file, 'r');
    for (const [at, text] of marks) {
      const read = Buffer.alloc(text.length);
      readSync(descriptor, read, 0, text.length, at);
      expect(read.toString()).toBe(text);
    }
    closeSync(descriptor);
  }, 300_000);

  test.skipIf(smallDisksRefused() !== undefined)('an archive that unpacks to more than the disk has room for is refused as its headers are read, naming both', () => {
    const root = defaultOrg();
    // 8 MiB of random bytes do not compress: the archive needs more than the 1 MiB disk it is imported to.
    mkdirSync(join(root, 'workspace'), { recursive: true });
    writeFileSync(join(root, 'workspace/noise.bin'), spawnSync('head', ['-c', String(8 * MIB), '/dev/urandom']).stdout);
    const archive = join(tempDir(), 'big.tar.gz');
    expect(lemming(root, ['export', archive]).status).toBe(0);
    const disk = mountSmallDisk(1024);
    if ('refused' in disk) throw new Error(disk.refused);
    try {
      const refused = lemming(join(disk.folder, 'org'), ['import', archive]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/it unpacks to [\d.]+ MB or more, and the disk it would be imported to has [\d.]+ (KB|MB) free; nothing was imported/);
    } finally {
      disk.unmount();
    }
  }, 120_000);
});
