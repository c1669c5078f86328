import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { KnownFiles } from '../../src/history/known-files.js';
import { KNOWN_FILES_FILE, knownFilesBytes, knownFilesFromBytes, readKnownFiles, writeKnownFiles } from '../../src/history/known-files-file.js';
import type { KnownFile } from '../../src/history/known-file-table.js';
import { tempDir } from '../helpers/temp-org.js';

/*
 * The files the history's last entry holds, kept beside the store between runs as numbers
 * (src/history/known-files-file.ts): what a run writes, the next reads back the same, and a file
 * that is anything else is not used (the next entry then reads the org's files once).
 */

const HEAD = '1'.repeat(40);
const blobId = (text: string): string => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest('hex');

/** Known files of every kind the writer holds: plain ones, and each odd part (a word stamp, an id or mode of another shape, a rename's stamp, a place elsewhere). */
function mixedFiles(): Map<string, KnownFile> {
  const files = new Map<string, KnownFile>();
  for (let index = 0; index < 300; index += 1) {
    files.set(`agents/a${index % 7}/outbox/${String(index).padStart(6, '0')}-001-b.md`, { mode: '100644', oid: blobId(`m${index}`), stamp: `${100 + index}:1795848099266.8364:1795848099266.8364:${37649934 + index}` });
  }
  files.set('org/state/engine.json', { mode: '100644', oid: blobId('state'), stamp: 'racy' });
  files.set('agents/a1/resume.md', { mode: '100644', oid: blobId('resume'), stamp: 'unread' });
  files.set('agents/a1/run.sh', { mode: '100755', oid: blobId('#!/bin/sh'), stamp: '9:1.5:2.5:3' });
  files.set('agents/a1/link', { mode: '120000', oid: blobId('target'), stamp: '6:1:1:4' });
  files.set('agents/a1/odd-id', { mode: '100644', oid: 'not-an-id', stamp: 'a stamp of another shape' });
  files.set('org/state/ledger.jsonl', { mode: '100644', oid: blobId('ledger'), stamp: '7:1:1:5', renamed: '7:1:5' });
  files.set('agents/a2/outbox/000001-001-b.md', { mode: '100644', oid: blobId('early'), stamp: '5:1:1:6', stored: 'agents/a2/outbox/0000xx/00000x/000001-001-b.md' });
  files.set('workspace/über/naïve notes.md', { mode: '100644', oid: blobId('utf'), stamp: '3:1:1:7' });
  // Kept as parts (stored-path.ts): the hash of its bytes, not an id; and one of an entry's tree, its parts' ids not yet compared.
  const hashOf = (text: string): string => createHash('sha1').update(text).digest('hex');
  files.set('agents/a3/logs/activity.jsonl', { mode: '100644', oid: hashOf('log'), stamp: '4608:1:1:8', renamed: '4608:1:8', parts: '4608:7:8' });
  files.set('agents/a4/logs/activity.jsonl', { mode: '100644', oid: '', stamp: 'unread', parts: '-1:2:-1', partIds: `0=${blobId('a')},1=${blobId('b')}` });
  return files;
}

/** Every known file as the writer would hand it on, from the packed form (paths, and each file's fields). */
function described(known: KnownFiles): unknown {
  const packed = known.packed();
  return { head: known.head, paths: packed.paths, modes: [...packed.modes], oidBytes: [...packed.oidBytes], oids: packed.oids.toString('hex'), stamps: [...packed.stamps], odd: [...packed.odd] };
}

describe('the known files kept between runs', () => {
  test('are read back as they were written, every odd part included, and written again byte for byte', () => {
    const known = new KnownFiles(HEAD, mixedFiles());
    const bytes = knownFilesBytes(known);
    const again = knownFilesFromBytes(bytes);
    expect(again).toBeDefined();
    expect(described(again as KnownFiles)).toEqual(described(known));
    expect(knownFilesBytes(again as KnownFiles).equals(bytes)).toBe(true);
    // The odd parts are the files whose numbers cannot hold them: nine of them, each kept as it was.
    expect([...known.packed().odd.values()]).toEqual(
      expect.arrayContaining([
        { mode: '120000' },
        { oid: 'not-an-id', stamp: 'a stamp of another shape' },
        { renamed: '7:1:5' },
        { stored: 'agents/a2/outbox/0000xx/00000x/000001-001-b.md' },
        { renamed: '4608:1:8', parts: '4608:7:8', oid: createHash('sha1').update('log').digest('hex') },
        { parts: '-1:2:-1', oid: '', partIds: `0=${blobId('a')},1=${blobId('b')}` },
      ]),
    );
  });

  test('an org with none known is kept and read back too', () => {
    const again = knownFilesFromBytes(knownFilesBytes(new KnownFiles(HEAD, new Map())));
    expect(again?.packed().paths).toEqual([]);
  });

  test('a file that is anything else is not used: cut short, grown, another form, another byte order, a number out of its range, a path out of the org, two files at one path', () => {
    const bytes = knownFilesBytes(new KnownFiles(HEAD, mixedFiles()));
    const end = bytes.indexOf(10);
    const header = JSON.parse(bytes.toString('utf8', 0, end)) as Record<string, unknown>;
    const withHeader = (change: Record<string, unknown>): Buffer => Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, ...change })}\n`), bytes.subarray(end + 1)]);
    const bodyAt = end + 1;
    const pathBytes = header.pathBytes as number;
    const count = header.files as number;
    const odd = header.odd as unknown[];
    // An odd part added to the first file alone is read (a word stamp's text kept as it is).
    expect(knownFilesFromBytes(withHeader({ odd: [...odd, [0, { stamp: 'racy' }]] }))).toBeDefined();
    const patched = (at: number, value: number): Buffer => {
      const copy = Buffer.from(bytes);
      copy[at] = value;
      return copy;
    };
    const stampsAt = bodyAt + pathBytes + count * (1 + 1 + 32);
    // The first file's stamp: its size, then its times and inode.
    const stampPatched = (part: number, value: number): Buffer => {
      const copy = Buffer.from(bytes);
      copy.writeDoubleLE(value, stampsAt + part * 8);
      return copy;
    };
    const withPath = (from: string, to: string): Buffer => {
      const text = bytes.toString('latin1');
      expect(from.length).toBe(to.length);
      return Buffer.from(text.replace(from, to), 'latin1');
    };
    const bad: Array<[string, Buffer]> = [
      ['cut short by a byte', bytes.subarray(0, bytes.length - 1)],
      ['a byte more', Buffer.concat([bytes, Buffer.from([0])])],
      ['no header', Buffer.from('no line here')],
      ['a header that is not JSON', Buffer.concat([Buffer.from('{"format":6\n'), bytes.subarray(end + 1)])],
      ['the JSON form', Buffer.from(`{"format":5,"head":"${HEAD}","files":[]}\n`)],
      ['another form', withHeader({ format: 7 })],
      ['another byte order', withHeader({ endian: 'BE' })],
      ['a head that is no id', withHeader({ head: 'main' })],
      ['more files than it holds', withHeader({ files: count + 1 })],
      ['an odd part of a file it does not hold', withHeader({ odd: [...odd, [count, { mode: '100644' }]] })],
      ['an odd part with a field of no file', withHeader({ odd: [...odd, [0, { command: 'rm -rf /' }]] })],
      ['an odd part that is not text', withHeader({ odd: [...odd, [0, { stamp: 5 }]] })],
      ['two odd parts of one file', withHeader({ odd: [...odd, [0, { stamp: 'racy' }], [0, { stamp: 'unread' }]] })],
      ["parts that are not a count's", withHeader({ odd: [...odd, [0, { parts: '10:0:3', oid: '' }]] })],
      ['parts of no size', withHeader({ odd: [...odd, [0, { parts: 'many', oid: '' }]] })],
      ['parts with no hash of their bytes', withHeader({ odd: [...odd, [0, { parts: '10:1:3' }]] })],
      ['parts with a hash that is no hash', withHeader({ odd: [...odd, [0, { parts: '10:1:3', oid: 'rm -rf /' }]] })],
      ["parts' ids of a file not kept as parts", withHeader({ odd: [...odd, [0, { partIds: `0=${blobId('a')}` }]] })],
      ["parts' ids that are not ids", withHeader({ odd: [...odd, [0, { parts: '-1:1:-1', oid: '', partIds: '0=../x' }]] })],
      ['a mode past the known ones', patched(bodyAt + pathBytes, 7)],
      ['an odd mode with none given', patched(bodyAt + pathBytes, 255)],
      ["an id's length of neither sha1 nor none", patched(bodyAt + pathBytes + count, 19)],
      ['a size below zero', stampPatched(0, -5)],
      ['a size that is no whole number', stampPatched(0, 1.5)],
      ['a time that is no number', stampPatched(1, Number.NaN)],
      ['an inode past every number', stampPatched(3, Number.POSITIVE_INFINITY)],
      ['a path out of the org', withPath('agents/a0/outbox/000000-001-b.md', '../nts/a0/outbox/000000-001-b.md')],
      ['a path from the root', withPath('agents/a0/outbox/000000-001-b.md', '/gents/a0/outbox/000000-001-b.md')],
      ['a path with an empty part', withPath('agents/a0/outbox/000000-001-b.md', 'agents//0/outbox/000000-001-b.md')],
      ['two files at one path', withPath('agents/a0/outbox/000000-001-b.md', 'agents/a0/outbox/000007-001-b.md')],
    ];
    // Each change alone is what makes the file unused: a time patched to another number is still a file's stamp.
    expect(knownFilesFromBytes(bytes)).toBeDefined();
    expect(knownFilesFromBytes(stampPatched(1, 12.5))).toBeDefined();
    expect(knownFilesFromBytes(withHeader({ odd: [...odd, [0, { parts: '10:1:3', oid: '' }]] }))).toBeDefined();
    for (const [what, data] of bad) expect(knownFilesFromBytes(data), what).toBeUndefined();
  });
});

describe('the file beside the store', () => {
  test("replaces an earlier lemming's JSON, which is read when it is the only one, and only for the entry it is of", () => {
    const gitDir = tempDir();
    const earlier = join(gitDir, 'lemming-known-files.json');
    const rows = [...mixedFiles()].filter(([, file]) => file.stored === undefined && file.renamed === undefined).map(([path, file]) => JSON.stringify([path, file.mode, file.oid, file.stamp]));
    writeFileSync(earlier, `{"format":5,"head":"${HEAD}","files":[\n${rows.join(',\n')}\n]}\n`);
    expect(readKnownFiles(gitDir, HEAD)?.packed().paths).toHaveLength(rows.length);
    expect(readKnownFiles(gitDir, '2'.repeat(40))).toBeUndefined();

    const known = new KnownFiles('3'.repeat(40), mixedFiles());
    writeKnownFiles(gitDir, known);
    expect(existsSync(earlier)).toBe(false);
    expect(readKnownFiles(gitDir, '3'.repeat(40))?.packed().paths).toEqual(known.packed().paths);

    // An earlier lemming run since: its JSON is of the branch's entry, today's file of an older one.
    writeFileSync(earlier, `{"format":5,"head":"${HEAD}","files":[\n${rows.join(',\n')}\n]}\n`);
    expect(readKnownFiles(gitDir, HEAD)?.packed().paths).toHaveLength(rows.length);
    // Today's file broken: not used, and nothing thrown.
    writeFileSync(join(gitDir, KNOWN_FILES_FILE), readFileSync(join(gitDir, KNOWN_FILES_FILE)).subarray(0, 100));
    expect(readKnownFiles(gitDir, '3'.repeat(40))).toBeUndefined();
  });
});
