import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { KnownFiles } from '../../src/history/known-files.js';
import { knownFilesBytes, knownFilesFromBytes } from '../../src/history/known-files-file.js';
import { walkRecordedFiles, type FileStamp } from '../../src/history/recorded-files.js';
import { workspaceLimitsOf } from '../../src/org/workspace-limits.js';
import { tempDir, write } from '../helpers/temp-org.js';

/*
 * What the history's writer compares for an entry within a run: the files a watch saw change, not
 * every file the last entry holds. An org's messages pile up (200 agents sending each turn: 20,000
 * files after 100 turns), and a turn changes a few hundred; the work is counted, not timed.
 */

const AGENTS = 2_000;
/** A walk's stamp of a file of `size` bytes whose times and inode are all `tag`. */
const stamp = (size: number, tag: number): FileStamp => ({ mode: '100644', size, mtimeMs: tag, ctimeMs: tag, ino: tag, racy: false });
/** A walk's stamp of a file with each of its numbers given (what a rename keeps of it: `${size}:${mtimeMs}:${ino}`). */
const stampOf = (size: number, mtimeMs: number, ctimeMs: number, ino: number): FileStamp => ({ mode: '100644', size, mtimeMs, ctimeMs, ino, racy: false });
/** Known files' stamp as an earlier entry read them (`stamp(1, OLD)`), and the tags of later ones. */
const OLD = 1;
const OLD_TEXT = '1:1:1:1';
const NEW = 2;
const NOW = 3;

/** git's id of `text` as a blob. */
const blobId = (text: string): string => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest('hex');

/** The known files an earlier lemming kept in the shape `format` (each file with the stamp OLD_TEXT), and a walk that finds each unchanged. */
function knownOfShape(format: number, rows: ReadonlyArray<readonly [string, string]>): { known: KnownFiles; walked: Map<string, FileStamp> } {
  const text = `{"format":${format},"head":"${'1'.repeat(40)}","files":[\n${rows.map(([path, id]) => JSON.stringify([path, '100644', id, OLD_TEXT])).join(',\n')}\n]}\n`;
  const known = KnownFiles.fromText(text);
  if (!known) throw new Error(`the known files of shape ${format} did not parse`);
  return { known, walked: new Map(rows.map(([path]) => [path, stamp(1, OLD)])) };
}

/**
 * The next entry's writes for known files of an earlier shape, checked as every carry-over must be: no file
 * read (no changes), and nothing left to move for the entry after it, in today's shape.
 */
async function movedOnce(known: KnownFiles, walked: Map<string, FileStamp>): Promise<unknown[]> {
  const root = tempDir();
  const first = await known.compare(root, walked, undefined, () => Promise.resolve(undefined));
  expect(first.changes).toEqual([]);
  expect((await known.compare(root, walked, undefined, () => Promise.resolve(undefined))).writes).toEqual([]);
  // Kept in today's form, every file where storedPath puts it (none `stored` elsewhere).
  expect(knownFilesBytes(known).toString('latin1', 0, 12)).toBe('{"format":6,');
  expect([...known.packed().odd.values()].filter((odd) => odd.stored !== undefined)).toEqual([]);
  return first.writes;
}

/** The last entry's files: five messages in each of AGENTS outboxes, and a log each. */
function knownOrg(): KnownFiles {
  const rows: string[] = [];
  for (let agent = 0; agent < AGENTS; agent += 1) {
    for (let message = 0; message < 5; message += 1) rows.push(JSON.stringify([`agents/a${agent}/outbox/${message}.md`, '100644', '0'.repeat(40), OLD_TEXT]));
    rows.push(JSON.stringify([`agents/a${agent}/logs/activity.jsonl`, '100644', '0'.repeat(40), OLD_TEXT]));
  }
  const known = KnownFiles.fromText(`{"format":3,"head":"${'1'.repeat(40)}","files":[\n${rows.join(',\n')}\n]}\n`);
  if (!known) throw new Error('the known files did not parse');
  return known;
}

describe("an entry's comparison within a run", () => {
  test('looks at the files in what the watch saw, not at every file the last entry holds', async () => {
    const root = tempDir();
    write(root, 'agents/a1/outbox/5.md', 'a new message\n');
    write(root, 'agents/a1/logs/activity.jsonl', '{"grown":true}\n');
    const known = knownOrg();
    // The watch saw a new message and a log grow in a1's folders, and a2's outbox (emptied by hand).
    const scope = { trees: new Set(['agents/a1/outbox/5.md', 'agents/a1/logs/activity.jsonl', 'agents/a2/outbox']) };
    const walked = new Map([
      ['agents/a1/outbox/5.md', stamp(14, NEW)],
      ['agents/a1/logs/activity.jsonl', stamp(15, NEW)],
    ]);
    const { changes, looked } = await known.compare(root, walked, scope, () => Promise.resolve(undefined));
    expect(changes).toEqual([
      { status: 'M', path: 'agents/a1/logs/activity.jsonl' },
      { status: 'A', path: 'agents/a1/outbox/5.md' },
      ...[0, 1, 2, 3, 4].map((message) => ({ status: 'D', path: `agents/a2/outbox/${message}.md` })),
    ]);
    // The two files walked and the five gone from a2's outbox, of the 12,000 the entry holds.
    expect(looked).toBeLessThanOrEqual(10);
  });
});

describe('the known files of an entry of an earlier layout', () => {
  test('a file named for a turn that the entry keeps where the org has it is moved to its folder of a hundred by the next entry, once, and is no change of the org', async () => {
    const root = tempDir();
    const files: Record<string, string> = { 'agents/a/outbox/000001-001-b.md': 'hello\n', 'agents/a/resume.md': 'resume\n' };
    const oid = (text: string): string => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest('hex');
    const listed = Object.entries(files).map(([path, text]) => `100644 blob ${oid(text)}\t${path}`).join('\0');
    for (const [path, text] of Object.entries(files)) write(root, path, text);
    const known = KnownFiles.fromTree('1'.repeat(40), Buffer.from(`${listed}\0`));
    const walked = new Map(Object.entries(files).map(([path, text]) => [path, stamp(Buffer.byteLength(text), NOW)]));
    const first = await known.compare(root, walked, undefined, () => Promise.resolve(undefined));
    expect(first.changes).toEqual([]);
    expect(first.writes).toEqual([
      { path: 'agents/a/outbox/000001-001-b.md', removed: true },
      { path: '~n/0000xx/00000x/agents/a/outbox/000001-001-b.md', mode: '100644', oid: oid('hello\n') },
    ]);
    const second = await known.compare(root, walked, undefined, () => Promise.resolve(undefined));
    expect(second.writes).toEqual([]);
  });
});

describe('the files the lemming before the folder of a thousand knew (shape 2)', () => {
  test('are read as that layout held them: each moved where it is kept now by the next entry, by its id, none of them read, once', async () => {
    // No file of the org here: one that was read would be gone from the entry.
    const root = tempDir();
    const oid = (text: string): string => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest('hex');
    const rows: Array<[string, string, ...string[]]> = [
      ['agents/a/outbox/001000-001-b.md', oid('late\n')],
      ['agents/a/outbox/000999-001-b.md', oid('early\n')],
      ['agents/a/resume.md', oid('resume\n')],
      ['workspace/001xxx/plan.md', oid('plan\n')],
      // Kept where the org has it by an entry of the first layout, not yet moved.
      ['agents/a/outbox/000001-001-b.md', oid('first\n'), 'agents/a/outbox/000001-001-b.md'],
    ];
    const text = `{"format":2,"head":"${'1'.repeat(40)}","files":[\n${rows.map(([path, id, ...stored]) => JSON.stringify([path, '100644', id, OLD_TEXT, ...stored])).join(',\n')}\n]}\n`;
    const known = KnownFiles.fromText(text);
    if (!known) throw new Error('the known files of shape 2 did not parse');
    const walked = new Map(rows.map(([path]) => [path, stamp(1, OLD)]));
    const first = await known.compare(root, walked, undefined, () => Promise.resolve(undefined));
    expect(first.changes).toEqual([]);
    expect(first.writes).toEqual(
      expect.arrayContaining([
        { path: 'agents/a/outbox/0010xx/00100x/001000-001-b.md', removed: true },
        { path: '~n/001xxx/0010xx/00100x/agents/a/outbox/001000-001-b.md', mode: '100644', oid: oid('late\n') },
        { path: 'agents/a/outbox/0009xx/00099x/000999-001-b.md', removed: true },
        { path: '~n/0009xx/00099x/agents/a/outbox/000999-001-b.md', mode: '100644', oid: oid('early\n') },
        { path: 'workspace/001xxx/plan.md', removed: true },
        { path: 'workspace/001xxx~/plan.md', mode: '100644', oid: oid('plan\n') },
        { path: 'agents/a/outbox/000001-001-b.md', removed: true },
        { path: '~n/0000xx/00000x/agents/a/outbox/000001-001-b.md', mode: '100644', oid: oid('first\n') },
      ]),
    );
    // Outside the folders of numbers, each is where it was kept: no write.
    expect(first.writes).toHaveLength(8);
    const second = await known.compare(root, walked, undefined, () => Promise.resolve(undefined));
    expect(second.writes).toEqual([]);
    // Kept again in the shape of now, each where storedPath puts it.
    expect(knownFilesBytes(known).toString('latin1', 0, 12)).toBe('{"format":6,');
    expect(knownFilesBytes(known).includes('0010xx')).toBe(false);
  });
});

describe("a record's file moved whole to a piece", () => {
  test('is known by what the rename kept of its stamp: the entry names the bytes it read before, read again from no file', async () => {
    const root = tempDir();
    const known = new KnownFiles('1'.repeat(40), new Map());
    // An entry reads the ledger's file: its stamp as a rename keeps it, size 6, written at 1, inode 9.
    write(root, 'org/state/ledger.jsonl', 'first\n');
    await known.compare(root, new Map([['org/state/ledger.jsonl', stampOf(6, 1, 1, 9)]]), undefined, () => Promise.resolve(undefined));
    // Then it is moved to its first piece, and a new file begun. The piece on disk holds other bytes here: were it read, its object would differ.
    write(root, 'org/state/ledger/000000000000.jsonl', 'other\n');
    write(root, 'org/state/ledger.jsonl', 'second\n');
    write(root, 'workspace/copy.jsonl', 'other\n');
    const walked = new Map([
      ['org/state/ledger.jsonl', stampOf(7, 2, 2, 10)],
      ['org/state/ledger/000000000000.jsonl', stampOf(6, 1, 12, 9)],
      // The same stamp elsewhere than a record's piece is read as any file is.
      ['workspace/copy.jsonl', stampOf(6, 1, 13, 9)],
    ]);
    const { writes } = await known.compare(root, walked, undefined, () => Promise.resolve(undefined));
    // The record's file is kept as parts (stored-path.ts): the piece keeps them, copied in the entry's tree before the
    // file's folder is removed and its new bytes written as its one part.
    expect(writes.slice(0, 2)).toEqual([
      // Kept in the folders of its offset (stored-path.ts).
      { path: 'org/state/ledger/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000000xxxx/0000000000xx/000000000000.jsonl~parts', from: 'org/state/ledger.jsonl~parts' },
      { path: 'org/state/ledger.jsonl~parts', removed: true },
    ]);
    expect(writes).toEqual(
      expect.arrayContaining([
        { path: 'org/state/ledger.jsonl~parts/000000000000', mode: '100644', data: Buffer.from('second\n') },
        { path: 'workspace/copy.jsonl', mode: '100644', data: Buffer.from('other\n') },
      ]),
    );
    expect(writes).toHaveLength(4);
  });
});

describe('the files the lemming before the folders of a record\'s pieces knew (shape 3)', () => {
  test("are read as that layout held them: each piece moved into its offset's folders by the next entry, by its id, none read, once", async () => {
    // No file of the org here: one that was read would be gone from the entry.
    const oid = blobId;
    const rows: Array<[string, string]> = [
      ['org/state/ledger/000000000000.jsonl', oid('first\n')],
      ['org/state/taken/000000065536.jsonl', oid('taken\n')],
      ['org/state/ledger.jsonl', oid('latest\n')],
      ['agents/a/outbox/001000-001-b.md', oid('late\n')],
      ['workspace/00xxxxxxxxxx/plan.md', oid('plan\n')],
    ];
    const { known, walked } = knownOfShape(3, rows);
    expect(await movedOnce(known, walked)).toEqual([
      { path: 'org/state/ledger/000000000000.jsonl', removed: true },
      { path: 'org/state/ledger/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000000xxxx/0000000000xx/000000000000.jsonl', mode: '100644', oid: oid('first\n') },
      { path: 'org/state/taken/000000065536.jsonl', removed: true },
      { path: 'org/state/taken/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000006xxxx/0000000655xx/000000065536.jsonl', mode: '100644', oid: oid('taken\n') },
      { path: 'agents/a/outbox/001xxx/0010xx/00100x/001000-001-b.md', removed: true },
      { path: '~n/001xxx/0010xx/00100x/agents/a/outbox/001000-001-b.md', mode: '100644', oid: oid('late\n') },
      { path: 'workspace/00xxxxxxxxxx/plan.md', removed: true },
      { path: 'workspace/00xxxxxxxxxx~/plan.md', mode: '100644', oid: oid('plan\n') },
    ]);
    // Kept again and read back: nothing left to move.
    const again = knownFilesFromBytes(knownFilesBytes(known));
    expect(again?.head).toBe(known.head);
    expect((await again?.compare(tempDir(), walked, undefined, () => Promise.resolve(undefined)))?.writes).toEqual([]);
  });
});

describe('the files the lemming before the folder of numbers knew (shape 4)', () => {
  test('are read as that layout held them: each numbered file moved from the folders beside it to the folder of numbers by the next entry, by its id, none read, once; the rest stays', async () => {
    // No file of the org here: one that was read would be gone from the entry.
    const oid = blobId;
    const rows: Array<[string, string]> = [
      ['agents/a/outbox/000981-001-b.md', oid('early\n')],
      ['agents/a/outbox/001000-001-b.md', oid('late\n')],
      ['agents/a/logs/activity/000012.jsonl', oid('piece\n')],
      ['org/state/ledger/000000065536.jsonl', oid('taken\n')],
      ['workspace/0009xx/plan.md', oid('plan\n')],
    ];
    const { known, walked } = knownOfShape(4, rows);
    expect(await movedOnce(known, walked)).toEqual([
      { path: 'agents/a/outbox/0009xx/00098x/000981-001-b.md', removed: true },
      { path: '~n/0009xx/00098x/agents/a/outbox/000981-001-b.md', mode: '100644', oid: oid('early\n') },
      { path: 'agents/a/outbox/001xxx/0010xx/00100x/001000-001-b.md', removed: true },
      { path: '~n/001xxx/0010xx/00100x/agents/a/outbox/001000-001-b.md', mode: '100644', oid: oid('late\n') },
      { path: 'agents/a/logs/activity/0000xx/00001x/000012.jsonl', removed: true },
      { path: '~n/0000xx/00001x/agents/a/logs/activity/000012.jsonl', mode: '100644', oid: oid('piece\n') },
    ]);
  });
});

describe('what the known files keep in memory', () => {
  /*
   * The history's writer keeps every file of its last entry for the whole run (a message is never
   * forgotten, so this grows by each turn's messages: 200,000 after 1,000 turns of 200 busy agents),
   * and V8 marks all of it at each full collection: what each file holds is counted in bytes.
   */
  test("a message file costs under 260 bytes of heap: its mode, id and stamp held as numbers outside it, and no rename's stamp kept", async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const root = tempDir();
    const FILES = 4_000;
    for (let index = 0; index < FILES; index += 1) {
      write(root, `agents/agent_${String(index % 200).padStart(4, '0')}/outbox/${String(Math.floor(index / 200) + 1).padStart(6, '0')}-001-agent_0001.md`, `message ${index}\n`);
    }
    write(root, 'org/state/ledger.jsonl', '{"charged":1}\n');
    const known = new KnownFiles('1'.repeat(40), new Map());
    const limits = workspaceLimitsOf(undefined);
    // Walked well after the files were written (none is racy: each has its whole stamp) and compared, in a
    // function of its own: what is left of the walk and the entry's writes when it returns is garbage.
    const takeIn = async (): Promise<number> => (await known.compare(root, walkRecordedFiles(root, limits, Date.now() + 60_000).files, undefined, () => Promise.resolve(undefined))).changes.length;
    collect();
    const before = process.memoryUsage().heapUsed;
    expect(await takeIn()).toBe(FILES + 1);
    collect();
    const perFile = (process.memoryUsage().heapUsed - before) / FILES;
    // Its path and its slots in two maps: some 210 bytes (its mode, id and stamp in typed arrays, whose bytes V8 does not
    // mark: known-file-table.ts). As an object with its id's and its stamp's strings, 370 to 400; held as the walk built
    // them (a stamp and a rename's stamp, each a chain of 4 to 6 joined strings), 700.
    expect(perFile).toBeLessThan(260);
    // The ledger's file keeps what a rename keeps of its stamp: moved to a piece, it is known by it (above).
    expect(known.packed().paths).toContain('org/state/ledger.jsonl');
  });
});
